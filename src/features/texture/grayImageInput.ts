/**
 * Internal helpers of the texture descriptors: check a 2-D gray image and read its values row-major.
 * Not re-exported from the package.
 * @internal
 */
import type { NdArray } from 'ndarray';
import { ArgumentError } from '../../core/index.js';

/** The typed arrays a gray image may hold. */
export type GrayData = Uint8Array | Uint16Array | Uint32Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A gray image: a scijs `ndarray` of shape [H, W] (any strides) with numeric typed-array data. */
export type GrayImage = NdArray<GrayData>;

/** Row-major values of a gray image plus its size. */
export interface GrayValues {
  /** H·W values, row-major (the image's own data when it is contiguous, else a copy). */
  readonly data: ArrayLike<number>;
  /** Image height H (rows). */
  readonly height: number;
  /** Image width W (columns). */
  readonly width: number;
}

/**
 * Check that `image` is a non-empty [H, W] ndarray and return its values row-major.
 * @throws {ArgumentError} naming `fn` and `argument` when it is not
 */
export function grayValues(image: GrayImage, fn: string, argument: string): GrayValues {
  const shape = (image as Partial<GrayImage> | null | undefined)?.shape;
  if (!Array.isArray(shape) || shape.length !== 2 || !ArrayBuffer.isView(image.data)) {
    throw new ArgumentError(fn, argument, 'a [H, W] ndarray of numbers', image);
  }
  const [height, width] = shape as [number, number];
  if (height < 1 || width < 1) throw new ArgumentError(fn, argument, 'a non-empty [H, W] ndarray', image);
  const [s0, s1] = image.stride as [number, number];
  if (image.offset === 0 && s0 === width && s1 === 1 && image.data.length === height * width) {
    return { data: image.data, height, width };
  }
  const out = new Float64Array(height * width);
  const src = image.data;
  for (let r = 0, k = 0; r < height; r++) {
    const row = image.offset + r * s0;
    for (let c = 0; c < width; c++, k++) out[k] = src[row + c * s1]!;
  }
  return { data: out, height, width };
}
