import { ImageDecodeError, errorMessage } from './imageDecodeError.js';
import type * as JimpNamespace from 'jimp';
import type { DecoderCallOptions, ImageDecoder } from './imageDecoder.js';
import { checkImageBytes, checkPngComplete } from './imageHeader.js';
import { createRgbImage } from './rgbImage.js';
import type { RgbImage } from './rgbImage.js';

type JimpModule = typeof JimpNamespace;
let jimpModule: Promise<JimpModule> | undefined;

/**
 * Load jimp once, lazily (it is large and only needed when images are decoded or encoded).
 *
 * @throws Error when the module has no `Jimp` export: jimp 1.6.1's browser entry
 *   (`dist/browser/index.js`) is an empty stub (jimp-dev/jimp#1402), so browser bundles need
 *   jimp 1.6.0 or an {@link ImageDecoder} of their own.
 */
export function loadJimp(): Promise<JimpModule> {
  jimpModule ??= import('jimp').then((mod) => {
    if (typeof (mod as Partial<JimpModule>).Jimp?.fromBuffer !== 'function') {
      throw new Error(
        'jimpDecoder: the "jimp" module loaded without its Jimp export (jimp 1.6.1\'s browser build is an ' +
          'empty stub, jimp-dev/jimp#1402); use jimp 1.6.0 in browser bundles or pass your own ImageDecoder',
      );
    }
    return mod;
  });
  return jimpModule;
}

/** The bytes as an ArrayBuffer holding exactly them (jimp accepts Buffer or ArrayBuffer). */
export function toExactArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) {
    return bytes.buffer;
  }
  return bytes.slice().buffer as ArrayBuffer;
}

/** Rephrase jimp's terse errors for the person who has to find the bad file. */
function jimpReason(e: unknown): string {
  const msg = errorMessage(e);
  if (/could not find mime/i.test(msg)) return 'not a recognised image format (expected JPEG, PNG, BMP, GIF or TIFF)';
  if (/unsupported color mode|colou?r ?(space|model|transform)/i.test(msg)) return `unsupported colour model (${msg})`;
  return `corrupt or truncated image (jimp: ${msg})`;
}

/**
 * Copy jimp's RGBA bitmap into an {@link RgbImage}, dropping alpha.
 *
 * @param rgba - RGBA bytes, length 4·W·H
 */
export function rgbaToRgbImage(rgba: Uint8Array, width: number, height: number): RgbImage {
  const out = new Uint8Array(width * height * 3);
  for (let i = 0, k = 0; k < out.length; i += 4, k += 3) {
    out[k] = rgba[i]!;
    out[k + 1] = rgba[i + 1]!;
    out[k + 2] = rgba[i + 2]!;
  }
  return createRgbImage(width, height, out);
}

/**
 * The default {@link ImageDecoder}: jimp 1.x, pure JavaScript, runs in Node, browsers and workers.
 *
 * Reads JPEG (baseline, progressive, grayscale, CMYK via jpeg-js' naive conversion), PNG (gray,
 * palette, RGB, RGBA, 16-bit), BMP, GIF (first frame) and TIFF. Applies the EXIF orientation; drops
 * alpha; ignores embedded ICC profiles (pixel values are taken as sRGB). Before decoding it applies the library's
 * acceptance policy (`checkImageBytes`: format from the magic bytes, declared size within `maxPixels`, JPEG/BMP not
 * cut short) and, for PNG, `checkPngComplete` (every chunk within the file, IEND present, the image data inflating
 * to its full size), so a truncated PNG is refused every time and a decompression bomb never allocates.
 *
 * @example
 * const img = await decodeImageBytes(bytes, { decoder: jimpDecoder }); // same as the default
 */
export const jimpDecoder: ImageDecoder = {
  name: 'jimp',
  async decode(bytes: Uint8Array, name: string, options: DecoderCallOptions = {}): Promise<RgbImage> {
    // The library's acceptance policy first (format, declared size, completeness), then jimp.
    const { Jimp } = await loadJimp();
    const header = checkImageBytes(bytes, name, options.maxPixels);
    if (header.format === 'png') await checkPngComplete(bytes, name);
    let image: Awaited<ReturnType<typeof Jimp.fromBuffer>>;
    try {
      image = await Jimp.fromBuffer(toExactArrayBuffer(bytes));
    } catch (e) {
      throw new ImageDecodeError(name, jimpReason(e), { cause: e });
    }
    const { width, height, data } = image.bitmap;
    if (!(width >= 1 && height >= 1) || data.length < width * height * 4) {
      throw new ImageDecodeError(name, `decoder returned an empty or short bitmap (${width}x${height})`);
    }
    return rgbaToRgbImage(data, width, height);
  },
};
