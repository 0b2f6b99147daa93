import type { NdArray } from 'ndarray';
import type { RgbImage } from '../../io/image/rgbImage.js';
import { newUint8Image, rgbPixels } from './colorInput.js';

/** BT.601 luma weights in OpenCV's 15-bit fixed point (0.299, 0.587, 0.114 · 2^15, summing to 2^15). */
export const GRAY_WEIGHTS_Q15 = { r: 9798, g: 19235, b: 3735 } as const;

/**
 * Convert an RGB image to 8-bit gray (BT.601 luma), bit-exact with OpenCV's
 * `cvtColor(img, COLOR_RGB2GRAY)`.
 *
 * Y = (9798·R + 19235·G + 3735·B + 2^14) >> 15, i.e. round(0.299·R + 0.587·G + 0.114·B) in 15-bit fixed point.
 *
 * @param image - RGB image, shape [H, W, 3], uint8 in [0, 255]
 * @returns gray image, shape [H, W], Uint8Array in [0, 255]
 * @throws TypeError `rgbToGray8: …` when `image` is not a [H, W, 3] uint8 ndarray
 * @see {@link rgbToGray} for the float version in [0, 1]
 * @example
 * const gray = rgbToGray8(createRgbImage(1, 1, new Uint8Array([255, 0, 0]))); // gray.data[0] === 76
 */
export function rgbToGray8(image: RgbImage): NdArray<Uint8Array> {
  const { data, height, width } = rgbPixels(image, 'rgbToGray8');
  const out = newUint8Image(height, width, 1);
  const dst = out.data;
  const n = height * width;
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    dst[i] = (data[j]! * 9798 + data[j + 1]! * 19235 + data[j + 2]! * 3735 + 16384) >> 15;
  }
  return out;
}
