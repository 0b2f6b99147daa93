import type { RgbImage } from '../../io/image/rgbImage.js';
import type { FloatImage } from './colorInput.js';
import { newFloatImage, rgbPixels, UNIT_FROM_BYTE } from './colorInput.js';

/**
 * Convert an RGB image to float gray (BT.601 luma) in [0, 1], as OpenCV's
 * `cvtColor(img / 255, COLOR_RGB2GRAY)` on float32 input.
 *
 * Y = 0.299·R + 0.587·G + 0.114·B with R, G, B = byte / 255.
 *
 * @param image - RGB image, shape [H, W, 3], uint8 in [0, 255]
 * @returns gray image, shape [H, W], Float32Array in [0, 1]
 * @throws TypeError `rgbToGray: …` when `image` is not a [H, W, 3] uint8 ndarray
 * @see {@link rgbToGray8} for OpenCV's 8-bit encoding
 * @example
 * rgbToGray(createRgbImage(1, 1, new Uint8Array([255, 255, 255]))).data[0]; // 1
 */
export function rgbToGray(image: RgbImage): FloatImage {
  const { data, height, width } = rgbPixels(image, 'rgbToGray');
  const out = newFloatImage(height, width, 1);
  const dst = out.data;
  const u = UNIT_FROM_BYTE;
  const n = height * width;
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    dst[i] = 0.299 * u[data[j]!]! + 0.587 * u[data[j + 1]!]! + 0.114 * u[data[j + 2]!]!;
  }
  return out;
}
