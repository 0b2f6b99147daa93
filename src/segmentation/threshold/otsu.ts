import { ArgumentError, checkInteger, checkThat } from '../../core/index.js';

/** Values accepted by the threshold functions: a flat typed array (an ndarray's `data` works too). */
export type ThresholdInput = Uint8Array | Uint8ClampedArray | Float32Array | Float64Array;

/** Options of {@link thresholdOtsu}. */
export interface ThresholdOtsuOptions {
  /**
   * Number of histogram bins for float input, spread evenly over [min, max] of the values.
   * Ignored for 8-bit input, which always uses the 256 exact levels. Defaults to 256.
   */
  nbins?: number;
}

/**
 * Otsu's threshold from a histogram: the index `t` that maximises the between-class variance
 * w₀(t)·w₁(t)·(μ₀(t) − μ₁(t))² of the split {bins ≤ t} | {bins > t}.
 *
 * Computed with cumulative sums and one argmax (scikit-image's `threshold_otsu`); ties go to
 * the lowest index. With the counts as integers the class weights are exact, so a run of empty
 * bins gives a plateau of exactly equal variances and the first bin of the plateau wins.
 *
 * @param hist - bin counts (non-negative), length ≥ 1
 * @returns the bin index t in [0, hist.length − 1]; foreground is `bin > t`. When fewer than two
 *   bins are non-empty (a constant input) there is no split: the index of the only occupied bin
 *   (0 when all are empty) is returned, so that `bin > t` selects nothing.
 * @example
 * otsuIndexFromHistogram([5, 0, 0, 5]); // 0
 */
export function otsuIndexFromHistogram(hist: ArrayLike<number>): number {
  const n = hist.length;
  checkThat(n >= 1, 'otsuIndexFromHistogram', 'hist', 'a non-empty histogram', hist);
  let total = 0;
  let totalMoment = 0;
  let first = -1;
  let last = -1;
  for (let i = 0; i < n; i++) {
    const c = hist[i]!;
    if (!(c >= 0)) throw new ArgumentError('otsuIndexFromHistogram', `hist[${i}]`, 'a count ≥ 0', c);
    if (c > 0) {
      if (first < 0) first = i;
      last = i;
    }
    total += c;
    totalMoment += c * i;
  }
  if (first < 0) return 0;
  if (first === last) return first;
  // Between-class variance of the split at t, times total²:
  //   w0·w1·(μ0 − μ1)² = (w0·M − m0·W)² / (w0·w1)   with w0 = Σ_{i≤t} c, m0 = Σ_{i≤t} c·i, W = w0 + w1, M = Σ c·i.
  // The numerator is formed from exact integer sums, so equal splits give equal values.
  let w0 = 0;
  let m0 = 0;
  let best = -1;
  let bestIndex = first;
  for (let t = 0; t < n - 1; t++) {
    w0 += hist[t]!;
    m0 += hist[t]! * t;
    const w1 = total - w0;
    if (w0 === 0 || w1 === 0) continue;
    const num = w0 * totalMoment - m0 * total;
    const v = (num * num) / (w0 * w1);
    if (v > best) {
      best = v;
      bestIndex = t;
    }
  }
  return bestIndex;
}

/**
 * Otsu's threshold of a set of values (Otsu 1979; scikit-image `threshold_otsu` semantics).
 *
 * - 8-bit input (`Uint8Array`, `Uint8ClampedArray`) uses the 256 exact grey levels and returns an
 *   integer level t in [0, 255]: foreground is `value > t`. This equals OpenCV's
 *   `threshold(..., THRESH_OTSU)` on the same pixels up to where a run of empty levels puts it
 *   (the foreground `> t` is the same).
 * - Float input is binned into `nbins` equal bins over [min, max]; the result is the centre of
 *   the last background bin (foreground is `value > t`).
 * - A constant input has no split: its single value is returned (so `value > t` is empty).
 *
 * @param values - the samples, length ≥ 1; NaN is not allowed in float input
 * @param options - see {@link ThresholdOtsuOptions}
 * @returns the threshold t (foreground is `value > t`)
 * @throws RangeError naming `thresholdOtsu` on empty input, NaN, or a bad `nbins`
 * @example
 * thresholdOtsu(new Uint8Array([10, 10, 200, 200])); // 10
 */
export function thresholdOtsu(values: ThresholdInput, options: ThresholdOtsuOptions = {}): number {
  const n = values.length;
  checkThat(n >= 1, 'thresholdOtsu', 'values', 'at least one value', values);
  if (values instanceof Uint8Array || values instanceof Uint8ClampedArray) {
    const hist = new Float64Array(256);
    for (let i = 0; i < n; i++) hist[values[i]!]!++;
    return otsuIndexFromHistogram(hist);
  }
  const nbins = checkInteger('thresholdOtsu', 'options.nbins', options.nbins ?? 256, { min: 2 });
  const { hist, min, width } = floatHistogram(values, nbins, 'thresholdOtsu');
  if (width === 0) return min;
  const t = otsuIndexFromHistogram(hist);
  return min + (t + 0.5) * width;
}

/**
 * Histogram of float values in `nbins` equal bins over [min, max] (the last bin is closed).
 * @internal
 */
export function floatHistogram(
  values: Float32Array | Float64Array,
  nbins: number,
  fn: string,
): { hist: Float64Array; min: number; width: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) throw new ArgumentError(fn, `values[${i}]`, 'a number (no NaN)', v);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const hist = new Float64Array(nbins);
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    throw new ArgumentError(fn, 'values', 'finite values', `values in [${min}, ${max}]`);
  }
  if (max === min) {
    hist[0] = values.length;
    return { hist, min, width: 0 };
  }
  const width = (max - min) / nbins;
  const scale = nbins / (max - min);
  for (let i = 0; i < values.length; i++) {
    let b = Math.floor((values[i]! - min) * scale);
    if (b >= nbins) b = nbins - 1;
    hist[b]!++;
  }
  return { hist, min, width };
}
