import { decodeImageBytes } from './decodeImageBytes.js';
import type { DecodeImageOptions } from './decodeImageBytes.js';
import { describeImageSource } from '../bytes/imageSource.js';
import type { ImageSource } from '../bytes/imageSource.js';
import { readImageBytes } from '../bytes/readImageBytes.js';
import type { RgbImage } from './rgbImage.js';

/**
 * Read and decode an image from a file path (Node), a URL (`http(s)`, `data`, `blob`, `file`),
 * a `Blob`/`File`, or its encoded bytes, to an 8-bit RGB image.
 *
 * {@link readImageBytes} then {@link decodeImageBytes}: see them for the sources and the
 * decoding conventions (alpha dropped, EXIF orientation applied, CMYK converted naively).
 *
 * @param source - see {@link ImageSource}
 * @param options - see {@link DecodeImageOptions}; `decoder` defaults to `'auto'`
 * @returns an {@link RgbImage} [H, W, 3], uint8, contiguous row-major
 * @throws {@link ImageDecodeError} naming the file/URL (or `options.name`) when it cannot be read or decoded
 * @example
 * const img = await decodeImage('trainset/P26/000001.jpg');
 * const fast = await decodeImage('trainset/P26/000001.jpg', { decoder: 'auto' }); // sharp if installed
 */
export async function decodeImage(source: ImageSource, options: DecodeImageOptions = {}): Promise<RgbImage> {
  const name = options.name ?? describeImageSource(source);
  const bytes = await readImageBytes(source, options.signal === undefined ? { name } : { name, signal: options.signal });
  return decodeImageBytes(bytes, { ...options, name });
}
