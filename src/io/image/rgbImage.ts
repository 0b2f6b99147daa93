import ndarray from 'ndarray';
import type { NdArray } from 'ndarray';

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
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1) {
    throw new RangeError(`createRgbImage: expected positive integer width and height, got ${width}x${height}`);
  }
  const n = width * height * 3;
  if (data !== undefined && data.length !== n) {
    throw new RangeError(`createRgbImage: expected ${n} bytes for ${width}x${height}x3, got ${data.length}`);
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
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1) {
    throw new RangeError(`createMask: expected positive integer width and height, got ${width}x${height}`);
  }
  const n = width * height;
  if (data !== undefined && data.length !== n) {
    throw new RangeError(`createMask: expected ${n} bytes for ${width}x${height}, got ${data.length}`);
  }
  return ndarray(data ?? new Uint8Array(n), [height, width]);
}

/**
 * Check that `image` is a non-empty ndarray of shape [H, W, 3] (any dtype and strides).
 *
 * @param image - the value to check
 * @param fn - name of the calling function, used in the error message
 * @returns [H, W]
 * @throws TypeError naming `fn` and the shape when it is not [H, W, 3] with H, W ≥ 1
 */
export function checkImageShape3(image: Pick<NdArray, 'shape'>, fn: string): [number, number] {
  if (image === null || typeof image !== 'object' || !Array.isArray(image.shape)) {
    throw new TypeError(`${fn}: expected an ndarray of shape [H, W, 3], got ${String(image)}`);
  }
  if (image.shape.length !== 3) {
    throw new TypeError(`${fn}: expected 3 dimensions [H, W, 3], got shape [${image.shape.join(', ')}]`);
  }
  const [h, w, c] = image.shape as [number, number, number];
  if (c !== 3) throw new TypeError(`${fn}: expected last dimension 3, got ${c}`);
  if (h < 1 || w < 1) throw new TypeError(`${fn}: expected a non-empty image, got shape [${h}, ${w}, 3]`);
  return [h, w];
}

/**
 * Check that `image` is an RGB image ([H, W, 3], uint8) and return it as a contiguous
 * row-major image (the same object when it already is one; a copy otherwise).
 *
 * @param image - the value to check
 * @param fn - name of the calling function, used in the error message
 * @throws TypeError naming `fn` when the value is not a [H, W, 3] uint8 ndarray
 */
export function toContiguousRgb(image: RgbImage, fn = 'toContiguousRgb'): RgbImage {
  const [h, w] = checkImageShape3(image, fn);
  // Uint8ClampedArray (canvas ImageData) is accepted and viewed as Uint8Array without a copy.
  const data: unknown = image.data;
  if (!(data instanceof Uint8Array) && !(data instanceof Uint8ClampedArray)) {
    throw new TypeError(`${fn}: expected uint8 data, got ${Object.prototype.toString.call(data)}`);
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
 * @param fn - name of the calling function, used in the error message
 * @throws TypeError naming `fn` when the value is not a [H, W] uint8 ndarray
 */
export function toContiguousMask(mask: Mask, fn = 'toContiguousMask'): Mask {
  if (mask === null || typeof mask !== 'object' || !Array.isArray(mask.shape)) {
    throw new TypeError(`${fn}: expected an ndarray of shape [H, W], got ${String(mask)}`);
  }
  if (mask.shape.length !== 2) {
    throw new TypeError(`${fn}: expected 2 dimensions [H, W], got shape [${mask.shape.join(', ')}]`);
  }
  const [h, w] = mask.shape as [number, number];
  if (!(mask.data instanceof Uint8Array)) {
    throw new TypeError(`${fn}: expected uint8 data, got ${Object.prototype.toString.call(mask.data)}`);
  }
  const [s0, s1] = mask.stride as [number, number];
  if (s0 === w && s1 === 1 && mask.offset === 0 && mask.data.length === h * w) return mask;
  const out = new Uint8Array(h * w);
  let k = 0;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[k++] = mask.get(y, x) ? 1 : 0;
  return ndarray(out, [h, w]);
}
