import type { NdArray } from 'ndarray';
import type { FloatImage } from './colorInput.js';
import { floatPixels, newFloatImage } from './colorInput.js';

/**
 * Convert float HLS back to float RGB: the inverse of {@link rgbToHls}.
 *
 * With h = H/60 (H taken modulo 360), C = (1 − |2L − 1|)·S, X = C·(1 − |h mod 2 − 1|), m = L − C/2:
 * (R, G, B) = m + the sector's permutation of (C, X, 0).
 *
 * @param hls - HLS image, shape [H, W, 3] in channel order H, L, S, Float32Array or Float64Array;
 *   H in degrees (taken modulo 360), L and S in [0, 1]
 * @returns RGB image, shape [H, W, 3], Float32Array in [0, 1]
 * @throws TypeError `hlsToRgb: …` when `hls` is not a [H, W, 3] float ndarray
 * @example
 * hlsToRgb(rgbToHls(img)); // ≈ img / 255
 */
export function hlsToRgb(hls: NdArray<Float32Array | Float64Array>): FloatImage {
  const { data, height, width } = floatPixels(hls, 'hlsToRgb');
  const out = newFloatImage(height, width, 3);
  const dst = out.data;
  const n = height * width * 3;
  for (let j = 0; j < n; j += 3) {
    let h = (data[j]! % 360) / 60;
    if (h < 0) h += 6;
    const l = data[j + 1]!;
    const s = data[j + 2]!;
    const c = (1 - Math.abs(2 * l - 1)) * s;
    const sector = Math.min(Math.floor(h), 5);
    const x = c * (1 - Math.abs((h % 2) - 1));
    const m = l - c / 2;
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
