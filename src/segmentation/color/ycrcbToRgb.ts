import type { NdArray } from 'ndarray';
import type { FloatImage } from './colorInput.js';
import { floatPixels, newFloatImage } from './colorInput.js';

/**
 * Convert float YCrCb back to float RGB: the inverse of {@link rgbToYcrcb} (OpenCV's BT.601 coefficients).
 *
 * R = Y + (Cr − 0.5)/0.713, B = Y + (Cb − 0.5)/0.564, G = (Y − 0.299·R − 0.114·B)/0.587.
 * Values are not clamped: a (Y, Cr, Cb) outside the RGB cube maps outside [0, 1].
 *
 * @param ycrcb - image, shape [H, W, 3] in channel order Y, Cr, Cb, Float32Array or Float64Array, values in [0, 1]
 * @returns RGB image, shape [H, W, 3], Float32Array (in [0, 1] for inputs made by {@link rgbToYcrcb})
 * @throws TypeError `ycrcbToRgb: …` when `ycrcb` is not a [H, W, 3] float ndarray
 * @example
 * ycrcbToRgb(rgbToYcrcb(img)); // ≈ img / 255
 */
export function ycrcbToRgb(ycrcb: NdArray<Float32Array | Float64Array>): FloatImage {
  const { data, height, width } = floatPixels(ycrcb, 'ycrcbToRgb');
  const out = newFloatImage(height, width, 3);
  const dst = out.data;
  const n = height * width * 3;
  for (let j = 0; j < n; j += 3) {
    const y = data[j]!;
    const r = y + (data[j + 1]! - 0.5) / 0.713;
    const b = y + (data[j + 2]! - 0.5) / 0.564;
    dst[j] = r;
    dst[j + 1] = (y - 0.299 * r - 0.114 * b) / 0.587;
    dst[j + 2] = b;
  }
  return out;
}
