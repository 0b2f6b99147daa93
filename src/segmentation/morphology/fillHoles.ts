import { createMask, toContiguousMask } from '../../io/image/rgbImage.js';
import type { Mask } from '../../io/image/rgbImage.js';
import { checkConnectivity } from './connectedComponents.js';
import type { Connectivity } from './connectedComponents.js';

/** Options of {@link fillHoles}. */
export interface FillHolesOptions {
  /**
   * Connectivity of the *background*: background pixels joined this way to the image border are
   * not holes. Defaults to 4 (SciPy's `binary_fill_holes` default structure).
   */
  connectivity?: Connectivity;
}

/**
 * Fill the holes of a binary mask: background regions not connected to the image border
 * (SciPy `ndimage.binary_fill_holes`).
 *
 * @param mask - [H, W] uint8, non-zero = foreground
 * @param options - see {@link FillHolesOptions}
 * @returns a new [H, W] 0/1 mask, a superset of the input
 * @example
 * const solid = fillHoles(ring); // the ring's inside becomes foreground
 */
export function fillHoles(mask: Mask, options: FillHolesOptions = {}): Mask {
  const connectivity = options.connectivity ?? 4;
  checkConnectivity(connectivity, 'fillHoles');
  const m = toContiguousMask(mask, 'fillHoles');
  const [h, w] = m.shape as [number, number];
  const out = createMask(w, h);
  fillHolesInto(m.data, out.data, w, h, connectivity === 8);
  return out;
}

/**
 * Flood stack of {@link fillHolesInto}, reused across calls and grown on demand (each pixel is
 * pushed at most once). Safe: the fill ends before returning, and JS runs one call at a time per
 * thread (each worker has its own module instance).
 */
let stackScratch = new Int32Array(0);

/**
 * Flat-buffer hole filling: `dst` (0/1) = `src` plus every background pixel that the border's
 * background cannot reach. `dst` may alias nothing in `src`.
 * @returns the number of 1s in `dst` (the filled area)
 * @internal
 */
export function fillHolesInto(src: Uint8Array, dst: Uint8Array, w: number, h: number, eight: boolean): number {
  const n = w * h;
  // dst: 2 = outside (reached from the border), set later to 0; everything else becomes 1
  if (stackScratch.length < n) stackScratch = new Int32Array(n);
  const stack = stackScratch;
  // (`seed` is a module function returning the new stack top, not a closure over it: a captured
  // `top` would live in a context object and cost a memory access per push and pop)
  let top = 0;
  dst.fill(0);
  if (!eight) return fill4(src, dst, stack, w, h);
  for (let x = 0; x < w; x++) {
    top = seed(src, dst, stack, top, x);
    top = seed(src, dst, stack, top, (h - 1) * w + x);
  }
  for (let y = 0; y < h; y++) {
    top = seed(src, dst, stack, top, y * w);
    top = seed(src, dst, stack, top, y * w + w - 1);
  }
  let outside = 0; // pixels marked 2: each is pushed, hence popped, exactly once
  while (top > 0) {
    const p = stack[--top]!;
    outside++;
    const y = (p / w) | 0;
    const x = p - y * w;
    if (x > 0) top = seed(src, dst, stack, top, p - 1);
    if (x < w - 1) top = seed(src, dst, stack, top, p + 1);
    if (y > 0) top = seed(src, dst, stack, top, p - w);
    if (y < h - 1) top = seed(src, dst, stack, top, p + w);
    if (eight) {
      if (x > 0 && y > 0) top = seed(src, dst, stack, top, p - w - 1);
      if (x < w - 1 && y > 0) top = seed(src, dst, stack, top, p - w + 1);
      if (x > 0 && y < h - 1) top = seed(src, dst, stack, top, p + w - 1);
      if (x < w - 1 && y < h - 1) top = seed(src, dst, stack, top, p + w + 1);
    }
  }
  for (let i = 0; i < n; i++) dst[i] = dst[i] === 2 ? 0 : 1;
  return n - outside;
}

/**
 * The 4-connected case of {@link fillHolesInto} (`dst` zeroed): every background pixel of the
 * border is marked outside first; then only interior pixels are ever pushed, so a popped pixel's
 * four neighbours are all in bounds (no row/column arithmetic per pixel), and a border neighbour
 * is never pushed again (it is outside already or foreground).
 */
function fill4(src: Uint8Array, dst: Uint8Array, stack: Int32Array, w: number, h: number): number {
  const n = w * h;
  let outside = 0;
  for (let x = 0; x < w; x++) {
    outside += markOutside(src, dst, x);
    outside += markOutside(src, dst, n - w + x);
  }
  for (let y = 1; y < h - 1; y++) {
    outside += markOutside(src, dst, y * w);
    outside += markOutside(src, dst, y * w + w - 1);
  }
  let top = 0;
  if (w > 2 && h > 2) {
    // the interior pixels next to an outside border pixel
    for (let x = 1; x < w - 1; x++) {
      if (dst[x] === 2) top = seed(src, dst, stack, top, w + x);
      if (dst[n - w + x] === 2) top = seed(src, dst, stack, top, n - 2 * w + x);
    }
    for (let y = 1; y < h - 1; y++) {
      if (dst[y * w] === 2) top = seed(src, dst, stack, top, y * w + 1);
      if (dst[y * w + w - 1] === 2) top = seed(src, dst, stack, top, y * w + w - 2);
    }
  }
  while (top > 0) {
    const p = stack[--top]!;
    outside++;
    top = seed(src, dst, stack, top, p - 1);
    top = seed(src, dst, stack, top, p + 1);
    top = seed(src, dst, stack, top, p - w);
    top = seed(src, dst, stack, top, p + w);
  }
  for (let i = 0; i < n; i++) dst[i] = dst[i] === 2 ? 0 : 1;
  return n - outside;
}

/** Marks background pixel `p` as outside (2) unless done already; returns 1 if it did, else 0. */
function markOutside(src: Uint8Array, dst: Uint8Array, p: number): number {
  if (src[p] !== 0 || dst[p] === 2) return 0;
  dst[p] = 2;
  return 1;
}

/** Marks background pixel `p` as outside (2) and pushes it, unless done already; returns the new stack top. */
function seed(src: Uint8Array, dst: Uint8Array, stack: Int32Array, top: number, p: number): number {
  if (src[p] === 0 && dst[p] !== 2) {
    dst[p] = 2;
    stack[top++] = p;
  }
  return top;
}
