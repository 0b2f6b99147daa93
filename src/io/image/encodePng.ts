import { loadJimp } from './jimpDecoder.js';
import { toContiguousMask, toContiguousRgb } from './rgbImage.js';
import type { Mask, RgbImage } from './rgbImage.js';

/** PNG colour types (PNG spec, IHDR). */
const PNG_GRAY = 0;
const PNG_RGB = 2;

/**
 * Encode an RGB image or a binary mask as a lossless PNG (with jimp, so it runs everywhere).
 *
 * - An {@link RgbImage} [H, W, 3] is written as 8-bit RGB (colour type 2); decoding the result
 *   gives back the identical pixels.
 * - A {@link Mask} [H, W] is written as 8-bit grayscale (colour type 0) with 0 → 0 and any
 *   non-zero value → 255, so that it is visible in an image viewer.
 *
 * @param image - [H, W, 3] uint8 image, or [H, W] uint8 mask (0/1); any strides
 * @returns the PNG file bytes
 * @throws TypeError naming `encodePng` when the input is neither shape or not uint8
 * @example
 * await writeFile('nucleus.png', await encodePng(segmentation.nucleus));
 * await writeFile('cell.png', await encodePng(image));
 */
export async function encodePng(image: RgbImage | Mask): Promise<Uint8Array> {
  if (image === null || typeof image !== 'object' || !Array.isArray(image.shape)) {
    throw new TypeError(`encodePng: expected an ndarray [H, W, 3] or [H, W], got ${String(image)}`);
  }
  const isMask = image.shape.length === 2;
  const height = image.shape[0] ?? 0;
  const width = image.shape[1] ?? 0;
  if (isMask && (height < 1 || width < 1)) {
    throw new TypeError(`encodePng: expected a non-empty mask, got shape [${image.shape.join(', ')}]`);
  }
  const src = isMask ? toContiguousMask(image, 'encodePng').data : toContiguousRgb(image, 'encodePng').data;
  const rgba = new Uint8Array(width * height * 4);
  if (isMask) {
    for (let p = 0, i = 0; p < src.length; p++, i += 4) {
      const v = src[p] === 0 ? 0 : 255;
      rgba[i] = v;
      rgba[i + 1] = v;
      rgba[i + 2] = v;
      rgba[i + 3] = 255;
    }
  } else {
    for (let k = 0, i = 0; k < src.length; k += 3, i += 4) {
      rgba[i] = src[k]!;
      rgba[i + 1] = src[k + 1]!;
      rgba[i + 2] = src[k + 2]!;
      rgba[i + 3] = 255;
    }
  }
  const { Jimp } = await loadJimp();
  const jimp = Jimp.fromBitmap({ width, height, data: rgba });
  const png = await jimp.getBuffer('image/png', { colorType: isMask ? PNG_GRAY : PNG_RGB });
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
