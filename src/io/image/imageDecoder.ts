import type { RgbImage } from './rgbImage.js';

/** Options of one {@link ImageDecoder.decode} call. */
export interface DecoderCallOptions {
  /** Largest width × height accepted. Defaults to `MAX_IMAGE_PIXELS`. */
  readonly maxPixels?: number | undefined;
}

/**
 * A pluggable image decoder: encoded bytes (JPEG, PNG, …) → {@link RgbImage} [H, W, 3], uint8.
 *
 * Contract every decoder keeps, so that results do not depend on which one ran:
 * - the output is a contiguous row-major [H, W, 3] uint8 image (see `createRgbImage`);
 * - grayscale becomes R = G = B; palette images are expanded; 16-bit samples are reduced to 8 bits;
 * - an alpha channel is dropped (not composited onto a background): RGB are the stored colour values;
 * - the EXIF orientation tag is applied (an image stored sideways with orientation 6 comes out upright);
 * - CMYK JPEGs are converted with the naive formula R = (255 − C)(255 − K)/255 (likewise G, B),
 *   without ICC colour management;
 * - every failure is an `ImageDecodeError` whose message names `name`;
 * - the same files are accepted: `decodeImageBytes` runs `checkImageBytes` (format from the magic bytes, one of
 *   `SUPPORTED_IMAGE_FORMATS`; declared size within `maxPixels`; JPEG/BMP not cut short) before any decoder, and
 *   the library's decoders run it themselves when called directly.
 *
 * Implementations: {@link jimpDecoder} (pure JavaScript, everywhere) and {@link sharpDecoder}
 * (libvips, Node only, optional). They agree exactly on PNG and may differ by a few levels on JPEG
 * (different inverse DCTs and chroma upsampling).
 *
 * @example
 * // A browser decoder built on the platform's codecs (note: the canvas premultiplies alpha, so
 * // unlike jimp and sharp it does not keep the stored colours of transparent pixels).
 * const canvasDecoder: ImageDecoder = {
 *   name: 'canvas',
 *   async decode(bytes, name) {
 *     const bitmap = await createImageBitmap(new Blob([bytes])).catch((e) => {
 *       throw new ImageDecodeError(name, 'not decodable by the browser', { cause: e });
 *     });
 *     const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
 *     ctx.drawImage(bitmap, 0, 0);
 *     const rgba = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
 *     const rgb = new Uint8Array(bitmap.width * bitmap.height * 3);
 *     for (let p = 0; p < rgb.length / 3; p++) rgb.set(rgba.subarray(4 * p, 4 * p + 3), 3 * p);
 *     return createRgbImage(bitmap.width, bitmap.height, rgb);
 *   },
 * };
 * const image = await decodeImage(file, { decoder: canvasDecoder });
 */
export interface ImageDecoder {
  /** Short name, used in messages (e.g. 'jimp', 'sharp'). */
  readonly name: string;
  /**
   * Decode encoded image bytes.
   *
   * @param bytes - the encoded file, length ≥ 1
   * @param name - the source's name, for error messages
   * @param options - `maxPixels`: the largest width × height to accept (the library's decoders check it, and the
   *   format policy of `checkImageBytes`, before decoding). Defaults to `MAX_IMAGE_PIXELS`.
   * @returns [H, W, 3] uint8, contiguous row-major
   */
  decode(bytes: Uint8Array, name: string, options?: DecoderCallOptions): Promise<RgbImage>;
}
