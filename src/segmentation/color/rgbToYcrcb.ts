import type { RgbImage } from '../../io/image/rgbImage.js';
import type { FloatImage } from './colorInput.js';
import { newFloatImage, rgbPixels, UNIT_FROM_BYTE } from './colorInput.js';

/**
 * Convert an RGB image to float YCrCb (BT.601) in [0, 1], as OpenCV's
 * `cvtColor(img / 255, COLOR_RGB2YCrCb)` on float32 input.
 *
 * Channel order is **Y, Cr, Cb**. With R, G, B = byte / 255:
 * Y = 0.299·R + 0.587·G + 0.114·B, Cr = (R − Y)·0.713 + 0.5, Cb = (B − Y)·0.564 + 0.5.
 * Neutral (gray) pixels have Cr = Cb = 0.5.
 *
 * @param image - RGB image, shape [H, W, 3], uint8 in [0, 255]
 * @returns YCrCb image, shape [H, W, 3], Float32Array in [0, 1] (Cr spans [0.0002, 0.9998], Cb [0.0003, 0.9997])
 * @throws TypeError `rgbToYcrcb: …` when `image` is not a [H, W, 3] uint8 ndarray
 * @see {@link rgbToYcrcb8} (OpenCV 8-bit), {@link ycrcbToRgb} (inverse)
 * @example
 * rgbToYcrcb(createRgbImage(1, 1, new Uint8Array([128, 128, 128]))).data; // ≈ [0.502, 0.5, 0.5]
 */
export function rgbToYcrcb(image: RgbImage): FloatImage {
  const { data, height, width } = rgbPixels(image, 'rgbToYcrcb');
  const out = newFloatImage(height, width, 3);
  const dst = out.data;
  const u = UNIT_FROM_BYTE;
  const n = height * width * 3;
  for (let j = 0; j < n; j += 3) {
    const r = u[data[j]!]!;
    const b = u[data[j + 2]!]!;
    const y = 0.299 * r + 0.587 * u[data[j + 1]!]! + 0.114 * b;
    dst[j] = y;
    dst[j + 1] = (r - y) * 0.713 + 0.5;
    dst[j + 2] = (b - y) * 0.564 + 0.5;
  }
  return out;
}
