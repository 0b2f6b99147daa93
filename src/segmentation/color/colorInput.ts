/**
 * Internal helpers shared by the colour conversions: input checks, output allocation and
 * OpenCV's rounding. Not re-exported from the package.
 * @internal
 */
import ndarray from 'ndarray';
import type { NdArray } from 'ndarray';
import { checkImageShape3, toContiguousRgb } from '../../io/image/rgbImage.js';
import type { RgbImage } from '../../io/image/rgbImage.js';
import { ArgumentError } from '../../core/index.js';

/** A float image of shape [H, W, C] (C = 3 or 4), Float32Array data, row-major. */
export type FloatImage = NdArray<Float32Array>;

/** Contiguous interleaved RGB bytes plus the image size. */
export interface RgbPixels {
  /** H·W·3 interleaved bytes. */
  readonly data: Uint8Array;
  /** Image height H. */
  readonly height: number;
  /** Image width W. */
  readonly width: number;
}

/**
 * Check an RGB image ([H, W, 3], uint8) and return its contiguous bytes.
 * @throws TypeError naming `fn` (e.g. `rgbToHsv: expected last dimension 3, got 4`)
 */
export function rgbPixels(image: RgbImage, fn: string): RgbPixels {
  const img = toContiguousRgb(image, fn);
  const [height, width] = img.shape as [number, number, number];
  return { data: img.data, height, width };
}

/** Allocate a [H, W, C] uint8 ndarray. */
export function newUint8Image(height: number, width: number, channels: number): NdArray<Uint8Array> {
  return ndarray(new Uint8Array(height * width * channels), channels === 1 ? [height, width] : [height, width, channels]);
}

/** Allocate a [H, W, C] float32 ndarray ([H, W] when C = 1). */
export function newFloatImage(height: number, width: number, channels: number): FloatImage {
  return ndarray(new Float32Array(height * width * channels), channels === 1 ? [height, width] : [height, width, channels]);
}

/** Contiguous interleaved float triples plus the image size. */
export interface FloatPixels {
  /** H·W·3 interleaved values. */
  readonly data: Float32Array | Float64Array;
  /** Image height H. */
  readonly height: number;
  /** Image width W. */
  readonly width: number;
}

/**
 * Check a [H, W, 3] float image (Float32Array or Float64Array data; any strides) and return
 * contiguous interleaved values (the same buffer when already contiguous).
 * @throws {ArgumentError} naming `fn` when the shape or dtype is wrong
 */
export function floatPixels(image: NdArray<Float32Array | Float64Array>, fn: string): FloatPixels {
  const [h, w] = checkImageShape3(image, fn);
  const data: unknown = image.data;
  if (!(data instanceof Float32Array) && !(data instanceof Float64Array)) {
    throw new ArgumentError(fn, 'image.data', 'a Float32Array or Float64Array', data);
  }
  const [s0, s1, s2] = image.stride as [number, number, number];
  if (s0 === w * 3 && s1 === 3 && s2 === 1 && image.offset === 0 && data.length === h * w * 3) {
    return { data, height: h, width: w };
  }
  const out = new Float64Array(h * w * 3);
  let k = 0;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let ch = 0; ch < 3; ch++) out[k++] = image.get(y, x, ch);
  return { data: out, height: h, width: w };
}

/**
 * OpenCV's `cvRound`: round to nearest, ties to even (IEEE `rint`).
 * `Math.round` rounds ties up, so odd results of an exact tie are moved down by one.
 */
export function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && (r & 1) !== 0 ? r - 1 : r;
}

/** OpenCV's `saturate_cast<uchar>` of a float: {@link rint} then clamp to [0, 255]. */
export function saturateU8(x: number): number {
  const r = rint(x);
  return r < 0 ? 0 : r > 255 ? 255 : r;
}

/** Single-precision machine epsilon (C's `FLT_EPSILON`, 2^-23). */
export const FLT_EPSILON = 1.1920928955078125e-7;

/** `v / 255` for every byte v, as float64. */
export const UNIT_FROM_BYTE: Float64Array = (() => {
  const t = new Float64Array(256);
  for (let i = 0; i < 256; i++) t[i] = i / 255;
  return t;
})();
