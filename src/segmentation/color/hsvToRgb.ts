import type { NdArray } from 'ndarray';
import type { FloatImage } from './colorInput.js';
import { floatPixels, newFloatImage } from './colorInput.js';

/**
 * Convert float HSV back to float RGB: the inverse of {@link rgbToHsv}.
 *
 * Standard sector formula: with h = H/60 (H taken modulo 360), C = V·S, X = C·(1 − |h mod 2 − 1|),
 * (R, G, B) = (V − C) + the sector's permutation of (C, X, 0).
 *
 * @param hsv - HSV image, shape [H, W, 3], Float32Array or Float64Array; H in degrees (any real, taken
 *   modulo 360), S and V in [0, 1]
 * @returns RGB image, shape [H, W, 3], Float32Array in [0, 1] (multiply by 255 and round for bytes)
 * @throws TypeError `hsvToRgb: …` when `hsv` is not a [H, W, 3] float ndarray
 * @example
 * hsvToRgb(rgbToHsv(img)); // ≈ img / 255
 */
export function hsvToRgb(hsv: NdArray<Float32Array | Float64Array>): FloatImage {
  const { data, height, width } = floatPixels(hsv, 'hsvToRgb');
  const out = newFloatImage(height, width, 3);
  const dst = out.data;
  const n = height * width * 3;
  for (let j = 0; j < n; j += 3) {
    let h = (data[j]! % 360) / 60;
    if (h < 0) h += 6;
    const s = data[j + 1]!;
    const v = data[j + 2]!;
    const c = v * s;
    const sector = Math.min(Math.floor(h), 5);
    const x = c * (1 - Math.abs((h % 2) - 1));
    const m = v - c;
    let r = m, g = m, b = m;
    switch (sector) {
      case 0: r += c; g += x; break;
      case 1: r += x; g += c; break;
      case 2: g += c; b += x; break;
      case 3: g += x; b += c; break;
      case 4: r += x; b += c; break;
      default: r += c; b += x; break;
    }
    dst[j] = r;
    dst[j + 1] = g;
    dst[j + 2] = b;
  }
  return out;
}
