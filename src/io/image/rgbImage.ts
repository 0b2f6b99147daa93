import ndarray from 'ndarray';
import type { NdArray } from 'ndarray';
import { ArgumentError, checkInteger, checkThat } from '../../core/index.js';

/**
 * An 8-bit RGB image: a scijs `ndarray` of shape [H, W, 3], dtype uint8, row-major
 * (strides [3W, 3, 1]). This is the image type every layer of lymphomix exchanges.
 *
 * Pixel (y, x) channel c is `image.data[(y * W + x) * 3 + c]` for images made by
 * {@link createRgbImage}; use {@link toContiguousRgb} before reading `data` directly
 * from an image whose strides you do not control.
 */
export type RgbImage = NdArray<Uint8Array>;

/**
 * A binary mask: a scijs `ndarray` of shape [H, W], dtype uint8, values 0 or 1, row-major.
 */
export type Mask = NdArray<Uint8Array>;

/**
 * Wrap (or allocate) an RGB image.
 *
 * @param width - image width W in pixels (≥ 1)
 * @param height - image height H in pixels (≥ 1)
 * @param data - optional interleaved RGB bytes of length H·W·3; allocated (zeros) when omitted
 * @returns an {@link RgbImage} of shape [H, W, 3], uint8
 * @example
 * const img = createRgbImage(2, 1, new Uint8Array([255, 0, 0, 0, 0, 255])); // red, blue
 */
export function createRgbImage(width: number, height: number, data?: Uint8Array): RgbImage {
  checkInteger('createRgbImage', 'width', width, { min: 1 });
  checkInteger('createRgbImage', 'height', height, { min: 1 });
  const n = width * height * 3;
  if (data !== undefined) {
    checkThat(data instanceof Uint8Array, 'createRgbImage', 'data', 'a Uint8Array', data);
    checkThat(data.length === n, 'createRgbImage', 'data', `${n} bytes for ${width}x${height}x3`, data);
  }
  return ndarray(data ?? new Uint8Array(n), [height, width, 3]);
}

/**
 * Wrap (or allocate) a binary mask.
 *
 * @param width - mask width W (≥ 1)
 * @param height - mask height H (≥ 1)
 * @param data - optional bytes (0 or 1) of length H·W; allocated (zeros) when omitted
 * @returns a {@link Mask} of shape [H, W], uint8
 */
export function createMask(width: number, height: number, data?: Uint8Array): Mask {
  checkInteger('createMask', 'width', width, { min: 1 });
  checkInteger('createMask', 'height', height, { min: 1 });
  const n = width * height;
  if (data !== undefined) {
    checkThat(data instanceof Uint8Array, 'createMask', 'data', 'a Uint8Array', data);
    checkThat(data.length === n, 'createMask', 'data', `${n} bytes for ${width}x${height}`, data);
  }
  return ndarray(data ?? new Uint8Array(n), [height, width]);
}

/**
 * Check that `image` is a non-empty ndarray of shape [H, W, 3] (any dtype and strides).
 *
 * @param image - the value to check
 * @param fn - the public function the user called, for the message
 * @param argument - how that function names the image. Defaults to `'image'`.
 * @returns [H, W]
 * @throws {ArgumentError} naming `fn`, the argument and the shape when it is not [H, W, 3] with H, W ≥ 1, e.g.
 *   `rgbToHsv: image must be an ndarray of shape [H, W, 3] (last dimension 3), got shape [2, 2, 4]`
 */
export function checkImageShape3(image: Pick<NdArray, 'shape'>, fn: string, argument = 'image'): [number, number] {
  if (image === null || typeof image !== 'object' || !Array.isArray(image.shape)) {
    throw new ArgumentError(fn, argument, 'an ndarray of shape [H, W, 3]', image);
  }
  const shape = image.shape as number[];
  const bad = (why: string): never => {
    throw new ArgumentError(fn, argument, `an ndarray of shape [H, W, 3] (${why})`, image);
  };
  if (shape.length !== 3) bad('3 dimensions');
  const [h, w, c] = shape as [number, number, number];
  if (c !== 3) bad('last dimension 3');
  if (h < 1 || w < 1) bad('non-empty');
  return [h, w];
}

/**
 * Check that `image` is an RGB image ([H, W, 3], uint8) and return it as a contiguous
 * row-major image (the same object when it already is one; a copy otherwise).
 *
 * @param image - the value to check
 * @param fn - the public function the user called, for the message. Defaults to `'toContiguousRgb'`.
 * @param argument - how that function names the image. Defaults to `'image'`.
 * @throws {ArgumentError} naming `fn` and the argument when the value is not a [H, W, 3] uint8 ndarray
 */
export function toContiguousRgb(image: RgbImage, fn = 'toContiguousRgb', argument = 'image'): RgbImage {
  const [h, w] = checkImageShape3(image, fn, argument);
  // Uint8ClampedArray (canvas ImageData) is accepted and viewed as Uint8Array without a copy.
  const data: unknown = image.data;
  if (!(data instanceof Uint8Array) && !(data instanceof Uint8ClampedArray)) {
    throw new ArgumentError(fn, `${argument}.data`, 'uint8 data (Uint8Array or Uint8ClampedArray)', data);
  }
  const [s0, s1, s2] = image.stride as [number, number, number];
  if (s0 === w * 3 && s1 === 3 && s2 === 1 && image.offset === 0 && data.length === h * w * 3) {
    return data instanceof Uint8Array ? image : ndarray(new Uint8Array(data.buffer, data.byteOffset, data.length), [h, w, 3]);
  }
  const out = new Uint8Array(h * w * 3);
  let k = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < 3; ch++) out[k++] = image.get(y, x, ch);
    }
  }
  return ndarray(out, [h, w, 3]);
}

/**
 * Check that `mask` is a [H, W] uint8 mask and return a contiguous row-major copy if needed.
 *
 * @param mask - the value to check
 * @param fn - the public function the user called, for the message. Defaults to `'toContiguousMask'`.
 * @param argument - how that function names the mask. Defaults to `'mask'`.
 * @throws {ArgumentError} naming `fn` and the argument when the value is not a [H, W] uint8 ndarray
 */
export function toContiguousMask(mask: Mask, fn = 'toContiguousMask', argument = 'mask'): Mask {
  if (mask === null || typeof mask !== 'object' || !Array.isArray(mask.shape)) {
    throw new ArgumentError(fn, argument, 'an ndarray of shape [H, W]', mask);
  }
  if (mask.shape.length !== 2) {
    throw new ArgumentError(fn, argument, 'an ndarray of shape [H, W] (2 dimensions)', mask);
  }
  const [h, w] = mask.shape as [number, number];
  if (!(mask.data instanceof Uint8Array)) throw new ArgumentError(fn, `${argument}.data`, 'a Uint8Array', mask.data);
  const [s0, s1] = mask.stride as [number, number];
  if (s0 === w && s1 === 1 && mask.offset === 0 && mask.data.length === h * w) return mask;
  const out = new Uint8Array(h * w);
  let k = 0;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[k++] = mask.get(y, x) ? 1 : 0;
  return ndarray(out, [h, w]);
}
