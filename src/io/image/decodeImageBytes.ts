import { canvasDecoder, isCanvasDecoderAvailable } from './canvasDecoder.js';
import { ImageDecodeError } from './imageDecodeError.js';
import type { ImageDecoder } from './imageDecoder.js';
import { describeImageSource } from '../bytes/imageSource.js';
import { jimpDecoder } from './jimpDecoder.js';
import type { RgbImage } from './rgbImage.js';
import { SHARP_INSTALL_COMMAND, loadSharp, sharpDecoder } from './sharpDecoder.js';
import { isNode } from '../bytes/isNode.js';
import { ArgumentError } from '../../core/argumentError.js';
import { checkInteger, checkOptions } from '../../core/check.js';
import { MAX_IMAGE_PIXELS } from './imageHeader.js';

/**
 * Which decoder to use: `'jimp'` (pure JS, Node), `'sharp'` (Node, optional dependency;
 * an error with the install command when absent), `'canvas'` (browsers' own codecs),
 * `'auto'` (sharp in Node when installed, the canvas decoder in browsers, else jimp),
 * or any {@link ImageDecoder}.
 *
 * sharp decodes JPEG with libjpeg-turbo, as OpenCV does, so with sharp the segmentation and features
 * reproduce the OpenCV reference exactly; jimp's pure-JS JPEG decoder differs by a few levels, which moves
 * the Otsu threshold on some images (see docs/segmentation.md).
 */
export type DecoderChoice = 'jimp' | 'sharp' | 'canvas' | 'auto' | ImageDecoder;

/** Options of {@link decodeImageBytes} and {@link decodeImage}. */
export interface DecodeImageOptions {
  /** The decoder. Defaults to `'auto'`: sharp in Node when installed, the canvas decoder in browsers, else jimp. */
  decoder?: DecoderChoice;
  /** Name of the source in error messages. Defaults to the path/URL/File name, or `<N bytes>`. */
  name?: string;
  /** Aborts reading a URL or file ({@link decodeImage} only). Defaults to none. */
  signal?: AbortSignal;
  /**
   * Largest image accepted, in pixels (width × height as the file's header declares it); a larger one is refused
   * before any pixel memory is allocated. An integer ≥ 1. Defaults to {@link MAX_IMAGE_PIXELS} (50 million).
   */
  maxPixels?: number;
}

/**
 * The warning printed once per thread when `'auto'` falls back to jimp in Node (sharp not installed).
 */
export const JIMP_FALLBACK_WARNING =
  "lymphomix: sharp is not installed, so decoder 'auto' decodes images with jimp (pure JavaScript), whose JPEG " +
  'pixels differ from libjpeg-turbo\'s by a few levels: segmentation and handmade features may differ from the ' +
  `reference (e.g. the perimeter by up to 2% on many images). Install sharp (\`${SHARP_INSTALL_COMMAND}\`) to ` +
  "reproduce them, or pass decoder: 'jimp' to choose jimp and silence this warning.";

let warnedJimpFallback = false;

/**
 * Resolve a {@link DecoderChoice} to a decoder.
 *
 * In Node, `'auto'` is sharp (an optional dependency that installs by default); when sharp cannot be loaded it
 * falls back to jimp and prints {@link JIMP_FALLBACK_WARNING} once (with `console.warn`).
 *
 * @param choice - see {@link DecoderChoice}; defaults to `'auto'`
 * @returns the decoder ('auto' gives sharp when it can be loaded, the canvas decoder in browsers, else jimp)
 * @throws ArgumentError (a TypeError) naming `resolveDecoder` and the value for an unknown choice
 * @example
 * const decoder = await resolveDecoder('auto');
 * console.log(decoder.name); // 'sharp' in Node with sharp installed, else 'jimp'
 */
export async function resolveDecoder(choice: DecoderChoice = 'auto'): Promise<ImageDecoder> {
  if (choice === 'jimp') return jimpDecoder;
  if (choice === 'sharp') return sharpDecoder;
  if (choice === 'canvas') return canvasDecoder;
  if (choice === 'auto') {
    if ((await loadSharp()) !== null) return sharpDecoder;
    if (isCanvasDecoderAvailable()) return canvasDecoder;
    if (isNode() && !warnedJimpFallback) {
      warnedJimpFallback = true;
      console.warn(JIMP_FALLBACK_WARNING);
    }
    return jimpDecoder;
  }
  if (choice !== null && typeof choice === 'object' && typeof choice.decode === 'function') return choice;
  throw new ArgumentError('resolveDecoder', 'decoder', "'jimp', 'sharp', 'canvas', 'auto' or an ImageDecoder", choice);
}

/**
 * Decode encoded image bytes (JPEG, PNG, …) to an 8-bit RGB image.
 *
 * Conventions (every decoder, see {@link ImageDecoder}): grayscale → R = G = B; palette expanded;
 * 16-bit → 8-bit; alpha dropped (not composited); EXIF orientation applied; CMYK converted naively
 * without ICC management. jimp and sharp agree exactly on PNG and within a few levels on JPEG.
 *
 * @param bytes - the encoded file contents, length ≥ 1
 * @param options - see {@link DecodeImageOptions}
 * @returns an {@link RgbImage} [H, W, 3], uint8 in [0, 255], contiguous row-major
 * The built-in decoders (jimp, sharp, canvas) first apply the library's one acceptance policy (`checkImageBytes`): the format
 * from the magic bytes must be one of `SUPPORTED_IMAGE_FORMATS` (JPEG, PNG, BMP, TIFF, GIF; WebP, SVG and text
 * are refused), the declared size within `maxPixels`, and a JPEG or BMP must not be cut short (jimp also checks
 * that a PNG's image data is complete; sharp refuses truncated data itself). So they accept the same files. A custom
 * {@link ImageDecoder} gets `maxPixels` and applies its own policy.
 *
 * @throws {@link ImageDecodeError} naming `options.name` for empty, truncated, corrupt, unsupported, over-large or
 *   non-image bytes
 * @throws ArgumentError (a TypeError) naming `decodeImageBytes` when `bytes` is not a Uint8Array or `options` not an object
 * @example
 * const img = await decodeImageBytes(pngBytes, { name: 'upload.png' });
 * const [h, w] = img.shape; // e.g. [224, 224]
 */
export async function decodeImageBytes(bytes: Uint8Array, options: DecodeImageOptions = {}): Promise<RgbImage> {
  if (!(bytes instanceof Uint8Array)) throw new ArgumentError('decodeImageBytes', 'bytes', 'a Uint8Array of encoded image bytes', bytes);
  checkOptions('decodeImageBytes', options);
  const name = options.name ?? describeImageSource(bytes);
  const maxPixels = options.maxPixels === undefined ? MAX_IMAGE_PIXELS : checkInteger('decodeImageBytes', 'options.maxPixels', options.maxPixels, { min: 1 });
  if (bytes.byteLength === 0) throw new ImageDecodeError(name, 'empty file (0 bytes)');
  const decoder = await resolveDecoder(options.decoder);
  // The built-in decoders apply the one acceptance policy (checkImageBytes) themselves; a custom one gets maxPixels.
  return decoder.decode(bytes, name, { maxPixels });
}
