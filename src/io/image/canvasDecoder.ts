import { ImageDecodeError } from './imageDecodeError.js';
import type { DecoderCallOptions, ImageDecoder } from './imageDecoder.js';
import { checkImageBytes, checkPngComplete } from './imageHeader.js';
import { isNode } from '../bytes/isNode.js';
import { createRgbImage } from './rgbImage.js';
import type { RgbImage } from './rgbImage.js';

/**
 * True where the browser's own codecs are reachable: `createImageBitmap` and `OffscreenCanvas` exist
 * (browsers and Web Workers) and the runtime is not Node.
 */
export function isCanvasDecoderAvailable(): boolean {
  const g = globalThis as { createImageBitmap?: unknown; OffscreenCanvas?: unknown };
  return !isNode() && typeof g.createImageBitmap === 'function' && typeof g.OffscreenCanvas === 'function';
}

/**
 * Decoder built on the browser's codecs (`createImageBitmap` + `OffscreenCanvas`), the fast path in
 * browsers and Web Workers, where jimp 1.x ships no working build.
 *
 * Conventions differ from {@link ImageDecoder}'s on two points, both set by the platform: EXIF
 * orientation follows the browser's default (`image-orientation: from-image`, applied), and a
 * transparent pixel's colour is read back premultiplied, so RGBA files may differ from jimp/sharp
 * by about one level where alpha < 255. JPEG pixels may differ by a few levels from jimp's; in
 * Chromium they matched sharp's exactly on every JPEG tested, CMYK and progressive included
 * (`test/browser/canvasDecoder.test.ts`).
 *
 * @example
 * const image = await decodeImage(fileFromInput, { decoder: canvasDecoder });
 */
export const canvasDecoder: ImageDecoder = {
  name: 'canvas',
  async decode(bytes: Uint8Array, name: string, options: DecoderCallOptions = {}): Promise<RgbImage> {
    if (!isCanvasDecoderAvailable()) {
      throw new ImageDecodeError(name, 'the canvas decoder needs a browser (createImageBitmap and OffscreenCanvas)');
    }
    // The library's acceptance policy, the same as jimp's and sharp's (the browser would also render SVG or WebP).
    const header = checkImageBytes(bytes, name, options.maxPixels);
    if (header.format === 'png') await checkPngComplete(bytes, name);
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>]));
    } catch (err) {
      throw new ImageDecodeError(name, 'not decodable by the browser', { cause: err });
    }
    const { width, height } = bitmap;
    const ctx = new OffscreenCanvas(width, height).getContext('2d');
    if (ctx === null) throw new ImageDecodeError(name, 'no 2d canvas context');
    ctx.drawImage(bitmap, 0, 0);
    bitmap.close();
    const rgba = ctx.getImageData(0, 0, width, height).data;
    const rgb = new Uint8Array(width * height * 3);
    for (let p = 0, q = 0; q < rgb.length; p += 4, q += 3) {
      rgb[q] = rgba[p]!;
      rgb[q + 1] = rgba[p + 1]!;
      rgb[q + 2] = rgba[p + 2]!;
    }
    return createRgbImage(width, height, rgb);
  },
};
