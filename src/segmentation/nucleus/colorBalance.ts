import { createRgbImage, toContiguousRgb } from '../../io/rgbImage.js';
import type { RgbImage } from '../../io/rgbImage.js';

/**
 * Grey-world colour balance towards the grey mean, as in the Tavakoli et al. (2021) reference:
 * each channel c is scaled by ḡ / c̄ (ḡ the mean of OpenCV's 8-bit grey, c̄ the channel mean) and
 * truncated to uint8 (values above 255 clip to 255, fractions are dropped, not rounded).
 *
 * Grey is OpenCV's fixed-point `RGB2GRAY` (`GRAY_WEIGHTS_Q15` of the colour module):
 * (9798·R + 19235·G + 3735·B + 2¹⁴) >> 15. A channel that
 * is zero everywhere stays zero.
 *
 * @param image - [H, W, 3] uint8 RGB
 * @returns a new [H, W, 3] uint8 RGB image
 * @example
 * const balanced = colorBalance(image);
 */
export function colorBalance(image: RgbImage): RgbImage {
  const img = toContiguousRgb(image, 'colorBalance');
  const [h, w] = img.shape as [number, number, number];
  const out = createRgbImage(w, h);
  colorBalanceInto(img.data, out.data);
  return out;
}

/**
 * Flat-buffer colour balance: interleaved RGB `src` → `dst` (same length).
 * @internal
 */
export function colorBalanceInto(src: Uint8Array, dst: Uint8Array): void {
  const luts = colorBalanceLuts(src);
  const [lr, lg, lb] = luts;
  for (let i = 0; i < src.length; i += 3) {
    dst[i] = lr[src[i]!]!;
    dst[i + 1] = lg[src[i + 1]!]!;
    dst[i + 2] = lb[src[i + 2]!]!;
  }
}

/**
 * The three per-channel lookup tables (value → balanced value) of {@link colorBalance}.
 * Sums are exact integers, so ḡ and c̄ equal NumPy's means bit for bit, and so does v·(ḡ/c̄).
 * @internal
 */
export function colorBalanceLuts(src: Uint8Array): [Uint8Array, Uint8Array, Uint8Array] {
  let sr = 0, sg = 0, sb = 0, sgray = 0;
  for (let i = 0; i < src.length; i += 3) {
    const r = src[i]!, g = src[i + 1]!, b = src[i + 2]!;
    sr += r;
    sg += g;
    sb += b;
    sgray += (r * 9798 + g * 19235 + b * 3735 + 16384) >> 15; // GRAY_WEIGHTS_Q15 as literals (2x faster)
  }
  const n = src.length / 3;
  const grayMean = sgray / n;
  const lut = (sum: number): Uint8Array => {
    const t = new Uint8Array(256);
    if (sum === 0) return t; // channel is all zeros: stays zero (the reference's 0·∞ → 0)
    const factor = grayMean / (sum / n);
    for (let v = 0; v < 256; v++) t[v] = Math.min(v * factor, 255) | 0;
    return t;
  };
  return [lut(sr), lut(sg), lut(sb)];
}
