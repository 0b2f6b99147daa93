import { toContiguousMask } from '../../io/image/rgbImage.js';
import type { Mask } from '../../io/image/rgbImage.js';
import type { Point } from './point.js';

// Suzuki–Abe chain codes: 0 = +x, then counter-clockwise on screen (1 = up-right, 2 = up, …).
const CODE_DX: readonly number[] = [1, 1, 0, -1, -1, -1, 0, 1];
const CODE_DY: readonly number[] = [0, -1, -1, -1, 0, 1, 1, 1];

/**
 * Trace the outer contour of the first 8-connected foreground component in raster order, point by
 * point (OpenCV `findContours(RETR_EXTERNAL, CHAIN_APPROX_NONE)`, Suzuki & Abe 1985 border
 * following). Pixels outside the mask count as background, as OpenCV's zero padding does.
 *
 * Every step is to an 8-neighbour; a one-pixel-wide part is walked out and back, so its pixels
 * appear twice, exactly as OpenCV reports them. For a mask whose foreground is one 8-connected
 * component (e.g. a nucleus after {@link largestComponent} and {@link fillHoles}) this is its
 * whole outline.
 *
 * @param mask - [H, W] uint8, non-zero = foreground
 * @returns the contour points starting at the first foreground pixel in raster order; a single
 *   point for an isolated pixel; `[]` for an empty mask
 * @example
 * const contour = traceContour(nucleus);
 * const p = perimeter(contour); // = cv2.arcLength(contour, True)
 */
export function traceContour(mask: Mask): Point[] {
  const m = toContiguousMask(mask, 'traceContour');
  const [h, w] = m.shape as [number, number];
  const data = m.data;
  let start = -1;
  for (let i = 0; i < data.length; i++) {
    if (data[i] !== 0) {
      start = i;
      break;
    }
  }
  if (start < 0) return [];
  // zero-padded copy so neighbour reads never leave the buffer
  const pw = w + 2;
  const buf = new Uint8Array(pw * (h + 2));
  for (let y = 0; y < h; y++) {
    const row = (y + 1) * pw + 1;
    for (let x = 0; x < w; x++) buf[row + x] = data[y * w + x] !== 0 ? 1 : 0;
  }
  return traceOuterContour(buf, pw, (start % w) + 1, ((start / w) | 0) + 1, -1, -1);
}

/**
 * Suzuki–Abe outer border following on a buffer whose outermost rows and columns are zero.
 * (`bx`, `by`) is the component's first foreground pixel in raster order (buffer coordinates);
 * points are reported as buffer coordinates plus (`ox`, `oy`).
 * @internal
 */
export function traceOuterContour(buf: Uint8Array, pw: number, bx: number, by: number, ox: number, oy: number): Point[] {
  const deltas = new Int32Array(16);
  for (let s = 0; s < 8; s++) deltas[s] = deltas[s + 8] = CODE_DX[s]! + CODE_DY[s]! * pw;
  let px = bx + ox;
  let py = by + oy;
  const i0 = by * pw + bx;
  const points: Point[] = [];
  // outer border: search clockwise from direction 4 for the first foreground neighbour
  let s = 4;
  const sEnd0 = 4;
  let i1 = i0;
  do {
    s = (s - 1) & 7;
    i1 = i0 + deltas[s]!;
  } while (buf[i1] === 0 && s !== sEnd0);
  if (s === sEnd0) {
    points.push({ x: px, y: py });
    return points;
  }
  let i3 = i0;
  let i4 = i0;
  for (;;) {
    // search counter-clockwise from the previous direction for the next border pixel
    while (s < 15) {
      i4 = i3 + deltas[++s]!;
      if (buf[i4] !== 0) break;
    }
    s &= 7;
    points.push({ x: px, y: py });
    px += CODE_DX[s]!;
    py += CODE_DY[s]!;
    if (i4 === i0 && i3 === i1) break;
    i3 = i4;
    s = (s + 4) & 7;
  }
  return points;
}
