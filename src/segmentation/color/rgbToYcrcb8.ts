import type { NdArray } from 'ndarray';
import type { RgbImage } from '../../io/image/rgbImage.js';
import { newUint8Image, rgbPixels } from './colorInput.js';

/**
 * Convert an RGB image to 8-bit YCrCb (BT.601, full range), bit-exact with OpenCV's
 * `cvtColor(img, COLOR_RGB2YCrCb)`.
 *
 * Channel order is **Y, Cr, Cb** (OpenCV's, not Y, Cb, Cr). In 14-bit fixed point:
 * Y = round(0.299·R + 0.587·G + 0.114·B), Cr = round((R − Y)·0.713 + 128), Cb = round((B − Y)·0.564 + 128),
 * each clamped to [0, 255].
 *
 * @param image - RGB image, shape [H, W, 3], uint8 in [0, 255]
 * @returns YCrCb image, shape [H, W, 3], Uint8Array in [0, 255]; neutral chroma is 128
 * @throws TypeError `rgbToYcrcb8: …` when `image` is not a [H, W, 3] uint8 ndarray
 * @see {@link rgbToYcrcb} for the float version, {@link ycrcbToRgb} for the inverse
 * @example
 * rgbToYcrcb8(createRgbImage(1, 1, new Uint8Array([255, 0, 0]))).data; // [76, 255, 85]
 */
export function rgbToYcrcb8(image: RgbImage): NdArray<Uint8Array> {
  const { data, height, width } = rgbPixels(image, 'rgbToYcrcb8');
  const out = newUint8Image(height, width, 3);
  rgbToYcrcb8Into(data, out.data, height * width * 3);
  return out;
}

/**
 * Flat-buffer {@link rgbToYcrcb8}: the first `length` bytes (a multiple of 3) of interleaved RGB
 * `data` → `dst`.
 * @internal
 */
export function rgbToYcrcb8Into(data: Uint8Array, dst: Uint8Array, length: number): void {
  const delta = (128 << 14) + (1 << 13); // chroma offset + rounding half
  for (let j = 0; j < length; j += 3) {
    const r = data[j]!;
    const b = data[j + 2]!;
    const y = (r * 4899 + data[j + 1]! * 9617 + b * 1868 + 8192) >> 14;
    const cr = ((r - y) * 11682 + delta) >> 14;
    const cb = ((b - y) * 9241 + delta) >> 14;
    dst[j] = y;
    dst[j + 1] = cr < 0 ? 0 : cr > 255 ? 255 : cr;
    dst[j + 2] = cb < 0 ? 0 : cb > 255 ? 255 : cb;
  }
}
