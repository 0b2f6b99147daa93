import { ArgumentError, checkOptions, optionalInteger } from '../core/index.js';
import { toContiguousRgb, type Mask, type RgbImage } from '../io/index.js';

/** Options of {@link nucleusCrop}. */
export interface NucleusCropOptions {
  /** Side of the square window around the nucleus centroid, in source pixels (≥ 1). Defaults to `128`. */
  readonly window?: number;
  /** Side S of the output crop in pixels (≥ 1): the window is resampled to S × S by area averaging. Defaults to `48`. */
  readonly size?: number;
}

/**
 * A nucleus-centred crop of a cell image at reduced resolution, the input of the crop CNN: the square window of side
 * `window` centred on the centroid of the nucleus mask (the image centre when the mask is empty), parts outside the
 * image filled with white (the smear's background), resampled to `size` × `size` by area averaging (each output
 * pixel is the mean of the source pixels it covers, weighted by the covered fraction), scaled to [0, 1].
 *
 * @param image - [H, W, 3] uint8 RGB.
 * @param nucleus - [H, W] uint8 mask (0/1) of the nucleus (e.g. `segmentNucleus(image).nucleus`).
 * @param options - See {@link NucleusCropOptions}.
 * @returns [S·S·3] float32 in [0, 1], row-major [S, S, 3] (HWC, as tfjs images).
 * @throws {ArgumentError} naming `nucleusCrop` when the mask's shape differs from the image's or an option is out of range.
 * @example
 * const seg = segmentNucleus(image);
 * const crop = nucleusCrop(image, seg.nucleus, { window: 128, size: 48 }); // Float32Array(6912)
 */
export function nucleusCrop(image: RgbImage, nucleus: Mask, options: NucleusCropOptions = {}): Float32Array {
  const fn = 'nucleusCrop';
  checkOptions(fn, options);
  const window = optionalInteger(fn, 'options.window', options.window, 128, { min: 1 });
  const size = optionalInteger(fn, 'options.size', options.size, 48, { min: 1 });
  const img = toContiguousRgb(image, fn);
  const [h, w] = img.shape as [number, number, number];
  if (nucleus?.shape?.[0] !== h || nucleus.shape[1] !== w) throw new ArgumentError(fn, 'nucleus', `a [${h}, ${w}] mask`, nucleus?.shape);
  let sy = 0;
  let sx = 0;
  let count = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (nucleus.get(y, x) !== 0) {
        sy += y;
        sx += x;
        count++;
      }
    }
  }
  const cy = count > 0 ? sy / count + 0.5 : h / 2; // centroid in continuous coordinates (pixel centres at +0.5)
  const cx = count > 0 ? sx / count + 0.5 : w / 2;
  const y0 = cy - window / 2;
  const x0 = cx - window / 2;
  const step = window / size;
  const src = img.data;
  const out = new Float32Array(size * size * 3);
  // Area averaging: output pixel (i, j) covers [y0 + i·step, y0 + (i+1)·step) × [x0 + j·step, …); each source pixel
  // contributes its overlap with that square; outside the image the source is white (255).
  const overlaps = (start: number): { index: number[]; weight: number[] } => {
    const index: number[] = [];
    const weight: number[] = [];
    const end = start + step;
    for (let p = Math.floor(start); p < end; p++) {
      const a = Math.max(start, p);
      const b = Math.min(end, p + 1);
      if (b > a) {
        index.push(p);
        weight.push((b - a) / step);
      }
    }
    return { index, weight };
  };
  const cols = Array.from({ length: size }, (_, j) => overlaps(x0 + j * step));
  for (let i = 0; i < size; i++) {
    const rows = overlaps(y0 + i * step);
    for (let j = 0; j < size; j++) {
      const col = cols[j]!;
      let r = 0;
      let g = 0;
      let bl = 0;
      for (let a = 0; a < rows.index.length; a++) {
        const y = rows.index[a]!;
        for (let b = 0; b < col.index.length; b++) {
          const x = col.index[b]!;
          const wt = rows.weight[a]! * col.weight[b]!;
          if (y < 0 || y >= h || x < 0 || x >= w) {
            r += 255 * wt;
            g += 255 * wt;
            bl += 255 * wt;
          } else {
            const k = (y * w + x) * 3;
            r += src[k]! * wt;
            g += src[k + 1]! * wt;
            bl += src[k + 2]! * wt;
          }
        }
      }
      const o = (i * size + j) * 3;
      out[o] = r / 255;
      out[o + 1] = g / 255;
      out[o + 2] = bl / 255;
    }
  }
  return out;
}
