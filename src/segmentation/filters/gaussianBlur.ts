import ndarray from 'ndarray';
import type { NdArray } from 'ndarray';
import { borderReflect101 } from './borderReflect101.js';
import { checkInteger, checkNumber, checkThat } from '../../core/index.js';

/** A single-channel 8-bit image: ndarray of shape [H, W], uint8, row-major. */
export type GrayImage8 = NdArray<Uint8Array>;

/** Options of {@link gaussianBlur}. */
export interface GaussianBlurOptions {
  /** Odd kernel size (same in x and y), ≥ 1. Defaults to 5. */
  ksize?: number;
  /**
   * Gaussian sigma in pixels; 0 derives it from `ksize` as OpenCV does
   * (σ = 0.3·((ksize − 1)/2 − 1) + 0.8, i.e. 1.1 for ksize 5). Defaults to 0.
   */
  sigma?: number;
}

// OpenCV's tabulated kernels for sigma ≤ 0 and ksize ≤ 7 (getGaussianKernel's small_gaussian_tab),
// in 1/256 units: they are dyadic, so OpenCV's 8-bit fixed-point path uses them exactly.
const SMALL_KERNELS: Readonly<Record<number, readonly number[]>> = {
  1: [256],
  3: [64, 128, 64],
  5: [16, 64, 96, 64, 16],
  7: [8, 28, 56, 72, 56, 28, 8],
};

/**
 * The 1-D Gaussian kernel in 1/256 fixed point (integer taps summing to 256).
 * @internal
 */
export function gaussianKernel256(ksize: number, sigma: number): number[] {
  const small = SMALL_KERNELS[ksize];
  if (sigma <= 0 && small !== undefined) return small.slice();
  const s = sigma > 0 ? sigma : 0.3 * ((ksize - 1) * 0.5 - 1) + 0.8;
  const r = (ksize - 1) / 2;
  const w: number[] = [];
  let sum = 0;
  for (let i = 0; i < ksize; i++) {
    const v = Math.exp(-((i - r) ** 2) / (2 * s * s));
    w.push(v);
    sum += v;
  }
  const taps = w.map((v) => Math.round((v / sum) * 256));
  // keep the sum at exactly 256 (a flat region stays flat) by adjusting the centre tap
  const total = taps.reduce((a, b) => a + b, 0);
  taps[r] = taps[r]! + 256 - total;
  return taps;
}

/**
 * Gaussian blur of an 8-bit single-channel image, as OpenCV's `GaussianBlur` on `CV_8U`:
 * separable integer kernel, `BORDER_REFLECT_101` borders and OpenCV's fixed-point rounding
 * (⌊(Σ kᵢ·kⱼ·p + 2¹⁵) / 2¹⁶⌋ with the taps in 1/256 units, i.e. round half up).
 *
 * With `sigma` 0 and `ksize` 1, 3, 5 or 7 it uses OpenCV's tabulated kernels (e.g. [1, 4, 6, 4, 1]/16
 * for ksize 5), which OpenCV's 8-bit path applies exactly: ksize 5 is verified bit-exact against the
 * OpenCV reference (golden masks and thresholds), 1, 3 and 7 follow by construction. Other sizes or
 * sigmas use a sampled Gaussian rounded to 1/256 (close to, not bit-exact with, OpenCV's kernel).
 *
 * @param image - [H, W] uint8 (any strides)
 * @param options - see {@link GaussianBlurOptions}
 * @returns a new [H, W] uint8 image
 * @throws RangeError naming `gaussianBlur` for a non-2-D input or an even/negative ksize
 * @example
 * const blurred = gaussianBlur(gray, { ksize: 5 });
 */
export function gaussianBlur(image: GrayImage8, options: GaussianBlurOptions = {}): GrayImage8 {
  const ksize = options.ksize ?? 5;
  const sigma = options.sigma ?? 0;
  const fn = 'gaussianBlur';
  checkThat(!!image && Array.isArray(image.shape) && image.shape.length === 2, fn, 'image', 'an ndarray of shape [H, W]', image);
  checkInteger(fn, 'options.ksize', ksize, { min: 1 });
  checkThat(ksize % 2 === 1, fn, 'options.ksize', 'an odd integer ≥ 1', ksize);
  checkNumber(fn, 'options.sigma', sigma, { min: 0 });
  const [h, w] = image.shape as [number, number];
  const src = contiguous(image, h, w);
  const out = new Uint8Array(h * w);
  blurInto(src, out, w, h, gaussianKernel256(ksize, sigma));
  return ndarray(out, [h, w]);
}

function contiguous(image: GrayImage8, h: number, w: number): Uint8Array {
  const [s0, s1] = image.stride as [number, number];
  if (s0 === w && s1 === 1 && image.offset === 0 && image.data.length === h * w) return image.data;
  const out = new Uint8Array(h * w);
  for (let y = 0, k = 0; y < h; y++) for (let x = 0; x < w; x++) out[k++] = image.get(y, x);
  return out;
}

/**
 * Scratch rows of the horizontal pass, reused across calls (grown on demand) to spare an
 * allocation per image. Safe: {@link blurInto} finishes with it before returning and JS runs one
 * call at a time per thread (each worker has its own module instance).
 */
let scratch = new Uint16Array(0);
/** Column ranges of the scratch rows, reused likewise. */
let scratchRows = new Int32Array(0);
/** Histogram counts of the output, reused likewise. */
const histCounts = new Int32Array(256);

/**
 * Per-row column ranges of an [H, W] image: row y's values outside columns
 * `rows[2y]`..`rows[2y + 1]` (inclusive) are all 0; `rows[2y] > rows[2y + 1]` when the whole row is 0.
 * A range may be wider than the non-zero values (it is a bound, not an exact extent).
 * @internal
 */
export type RowRanges = Int32Array;

/** Extras of {@link blurInto}. @internal */
export interface BlurIntoExtras {
  /** Adds a 256-bin histogram of the output to this array. */
  hist?: Float64Array;
  /** Row ranges of `src` (see {@link RowRanges}); without them every row is taken as full. */
  srcRows?: RowRanges;
  /** Receives row ranges of `dst` (length ≥ 2H). */
  dstRows?: RowRanges;
}

/**
 * Blur row-major `src` (W×H, uint8) into `dst` with the separable integer kernel `taps`
 * (sum 256), reflect-101 borders. Optionally accumulates a 256-bin histogram of the output.
 *
 * Zero skipping, exact: an output is a weighted sum of inputs, so one whose inputs are all 0 is
 * (0 + 2¹⁵) >> 16 = 0. The horizontal pass therefore computes row y only over
 * [lo − r, hi + r] (r the kernel radius, [lo, hi] the row range of `src`) and zero-fills the
 * rest: any x outside reads columns x + d (|d| ≤ r) outside [lo, hi], and with W > r a reflected
 * column −(x + d) ≤ r − x (left) or 2W − 2 − (x + d) (right) cannot reach [lo, hi] either (if it
 * could, x would be inside the interval). The vertical pass reads column x only, so output row y
 * is computed over the union of the ranges of the rows it reads, the rest is 0 (and counted as
 * such). On a nucleus map, mostly 0 away from the cell, this skips most of the image.
 * @internal
 */
export function blurInto(
  src: Uint8Array,
  dst: Uint8Array,
  w: number,
  h: number,
  taps: readonly number[],
  extras: BlurIntoExtras = {},
): void {
  const { hist, srcRows, dstRows } = extras;
  const k = taps.length;
  const r = (k - 1) >> 1;
  const xIdx = new Int32Array(w + 2 * r);
  for (let i = 0; i < w + 2 * r; i++) xIdx[i] = borderReflect101(i - r, w);
  const yIdx = new Int32Array(h + 2 * r);
  for (let i = 0; i < h + 2 * r; i++) yIdx[i] = borderReflect101(i - r, h);
  // horizontal pass: rows in 1/256 units (≤ 255·256, fits 16 bits)
  if (scratch.length < w * h) scratch = new Uint16Array(w * h);
  if (scratchRows.length < 2 * h) scratchRows = new Int32Array(2 * h);
  const tmp = scratch;
  const tRows = scratchRows;
  const skip = srcRows !== undefined && w > r; // see the note above: needs W > r
  const five = k === 5 && w >= 5;
  const t0 = taps[0]!, t1 = taps[1] ?? 0, t2 = taps[2] ?? 0;
  const borderCols = [0, 1, w - 2, w - 1];
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let xa = 0;
    let xb = w - 1;
    if (skip) {
      xa = Math.max(0, srcRows[2 * y]! - r);
      xb = Math.min(w - 1, srcRows[2 * y + 1]! + r);
      if (xa > xb) {
        tmp.fill(0, row, row + w);
        tRows[2 * y] = w;
        tRows[2 * y + 1] = -1;
        continue;
      }
      tmp.fill(0, row, row + xa);
      tmp.fill(0, row + xb + 1, row + w);
    }
    tRows[2 * y] = xa;
    tRows[2 * y + 1] = xb;
    if (five) {
      // interior (2 ≤ x ≤ W − 3) without index indirection, the five samples slide through
      // locals (one load per pixel); borders through the reflect-101 map
      const ia = Math.max(xa, 2), ib = Math.min(xb, w - 3);
      if (ia <= ib) {
        let a = src[row + ia - 2]!, b = src[row + ia - 1]!, c = src[row + ia]!, d = src[row + ia + 1]!;
        for (let i = row + ia, end = row + ib; i <= end; i++) {
          const e = src[i + 2]!;
          tmp[i] = t0 * (a + e) + t1 * (b + d) + t2 * c;
          a = b;
          b = c;
          c = d;
          d = e;
        }
      }
      for (const x of borderCols) {
        if (x < xa || x > xb) continue;
        const a = src[row + xIdx[x]!]!;
        const b = src[row + xIdx[x + 1]!]!;
        const c = src[row + xIdx[x + 2]!]!;
        const d = src[row + xIdx[x + 3]!]!;
        const e = src[row + xIdx[x + 4]!]!;
        tmp[row + x] = t0 * (a + e) + t1 * (b + d) + t2 * c;
      }
    } else {
      for (let x = xa; x <= xb; x++) {
        let acc = 0;
        for (let j = 0; j < k; j++) acc += taps[j]! * src[row + xIdx[x + j]!]!;
        tmp[row + x] = acc;
      }
    }
  }
  // vertical pass: 1/65536 units, round half up; the histogram is counted in int32 first
  const counts = hist ? histCounts.fill(0) : undefined;
  /** Column range read by output rows y..y + rows − 1: the union of the ranges of their input rows. */
  const union = (y: number, rows: number): [number, number] => {
    let ca = w, cb = -1;
    for (let j = y; j < y + k + rows - 1; j++) {
      const yy = yIdx[j]!;
      if (tRows[2 * yy]! < ca) ca = tRows[2 * yy]!;
      if (tRows[2 * yy + 1]! > cb) cb = tRows[2 * yy + 1]!;
    }
    return [ca, cb];
  };
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const pair = k === 5 && y + 1 < h; // two output rows per sweep (see below)
    const nRows = pair ? 2 : 1;
    const [ca, cb] = union(y, nRows);
    for (let q = 0; q < nRows; q++) {
      const rq = row + q * w;
      if (ca > cb) {
        dst.fill(0, rq, rq + w);
      } else {
        dst.fill(0, rq, rq + ca);
        dst.fill(0, rq + cb + 1, rq + w);
      }
      if (dstRows) {
        dstRows[2 * (y + q)] = ca;
        dstRows[2 * (y + q) + 1] = cb;
      }
    }
    if (counts) counts[0] = counts[0]! + nRows * (ca > cb ? w : w - (cb - ca + 1));
    if (ca > cb) {
      y += nRows - 1;
      continue;
    }
    if (pair) {
      // rows y and y + 1 share four of their five input rows, so six loads give two pixels
      const ra = yIdx[y]! * w, rb = yIdx[y + 1]! * w, rc = yIdx[y + 2]! * w;
      const rd = yIdx[y + 3]! * w, re = yIdx[y + 4]! * w, rf = yIdx[y + 5]! * w;
      for (let x = ca; x <= cb; x++) {
        const a = tmp[ra + x]!, b = tmp[rb + x]!, c = tmp[rc + x]!, d = tmp[rd + x]!, e = tmp[re + x]!, f = tmp[rf + x]!;
        const v0 = (t0 * (a + e) + t1 * (b + d) + t2 * c + 32768) >>> 16;
        const v1 = (t0 * (b + f) + t1 * (c + e) + t2 * d + 32768) >>> 16;
        dst[row + x] = v0;
        dst[row + w + x] = v1;
        if (counts) {
          counts[v0]!++;
          counts[v1]!++;
        }
      }
      y++;
    } else if (k === 5) {
      const ra = yIdx[y]! * w, rb = yIdx[y + 1]! * w, rc = yIdx[y + 2]! * w, rd = yIdx[y + 3]! * w, re = yIdx[y + 4]! * w;
      for (let x = ca; x <= cb; x++) {
        const acc = t0 * (tmp[ra + x]! + tmp[re + x]!) + t1 * (tmp[rb + x]! + tmp[rd + x]!) + t2 * tmp[rc + x]!;
        const v = (acc + 32768) >>> 16;
        dst[row + x] = v;
        if (counts) counts[v]!++;
      }
    } else {
      for (let x = ca; x <= cb; x++) {
        let acc = 0;
        for (let j = 0; j < k; j++) acc += taps[j]! * tmp[yIdx[y + j]! * w + x]!;
        const v = Math.floor((acc + 32768) / 65536);
        dst[row + x] = v;
        if (counts) counts[v]!++;
      }
    }
  }
  if (hist && counts) for (let v = 0; v < 256; v++) hist[v]! += counts[v]!;
}
