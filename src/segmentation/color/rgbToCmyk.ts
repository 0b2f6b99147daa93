import type { RgbImage } from '../../io/image/rgbImage.js';
import type { FloatImage } from './colorInput.js';
import { newFloatImage, rgbPixels } from './colorInput.js';

/**
 * Convert an RGB image to CMYK in [0, 1] (the naive, profile-free conversion of the Tavakoli et al. pipeline).
 *
 * K = 1 − max(R, G, B)/255; for K < 1, C = (1 − R/255 − K)/(1 − K) = (max − R)/max, and likewise M (G), Y (B);
 * C = M = Y = 0 where K = 1 (black), so the output never contains NaN.
 *
 * @param image - RGB image, shape [H, W, 3], uint8 in [0, 255]
 * @returns CMYK image, shape [H, W, 4], Float32Array in [0, 1], channels C, M, Y, K
 * @throws TypeError `rgbToCmyk: …` when `image` is not a [H, W, 3] uint8 ndarray
 * @example
 * rgbToCmyk(createRgbImage(1, 1, new Uint8Array([255, 0, 0]))).data; // [0, 1, 1, 0]
 */
export function rgbToCmyk(image: RgbImage): FloatImage {
  const { data, height, width } = rgbPixels(image, 'rgbToCmyk');
  const out = newFloatImage(height, width, 4);
  const dst = out.data;
  const n = height * width;
  for (let i = 0, j = 0, o = 0; i < n; i++, j += 3, o += 4) {
    const r = data[j]!;
    const g = data[j + 1]!;
    const b = data[j + 2]!;
    let m = r;
    if (g > m) m = g;
    if (b > m) m = b;
    // (1 − c/255 − K)/(1 − K) with K = 1 − m/255 simplifies to (m − c)/m: exact, no cancellation
    if (m > 0) {
      const inv = 1 / m;
      dst[o] = (m - r) * inv;
      dst[o + 1] = (m - g) * inv;
      dst[o + 2] = (m - b) * inv;
    }
    dst[o + 3] = 1 - m / 255;
  }
  return out;
}
