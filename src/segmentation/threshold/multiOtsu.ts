import { floatHistogram } from './otsu.js';
import type { ThresholdInput } from './otsu.js';
import { ArgumentError, checkInteger, checkThat } from '../../core/index.js';

/** Options of {@link thresholdMultiOtsu}. */
export interface ThresholdMultiOtsuOptions {
  /** Number of classes to split the values into (2 to 5). Defaults to 3. */
  classes?: number;
  /** Number of histogram bins for float input (8-bit input uses its 256 levels). Defaults to 256. */
  nbins?: number;
}

/**
 * Multi-level Otsu thresholds (Liao, Chen & Chung 2001; scikit-image `threshold_multiotsu`):
 * the `classes − 1` thresholds that maximise the between-class variance Σ_k w_k·μ_k², found by an
 * exhaustive search over histogram splits with cumulative sums.
 *
 * @param values - the samples (8-bit or float), length ≥ 1
 * @param options - see {@link ThresholdMultiOtsuOptions}
 * @returns `classes − 1` increasing thresholds; class k is `t[k−1] < value ≤ t[k]`. For 8-bit
 *   input they are grey levels, for float input bin centres.
 * @throws RangeError naming `thresholdMultiOtsu` when `classes` is not in 2..5 or the values hold
 *   fewer distinct levels than `classes`
 * @example
 * thresholdMultiOtsu(new Uint8Array([0, 0, 100, 100, 200, 200])); // [0, 100]
 */
export function thresholdMultiOtsu(values: ThresholdInput, options: ThresholdMultiOtsuOptions = {}): number[] {
  const fn = 'thresholdMultiOtsu';
  const classes = checkInteger(fn, 'options.classes', options.classes ?? 3, { min: 2, max: 5 });
  checkThat(values.length >= 1, fn, 'values', 'at least one value', values);
  let hist: Float64Array;
  let toValue: (bin: number) => number;
  if (values instanceof Uint8Array || values instanceof Uint8ClampedArray) {
    hist = new Float64Array(256);
    for (let i = 0; i < values.length; i++) hist[values[i]!]!++;
    toValue = (b) => b;
  } else {
    const nbins = checkInteger(fn, 'options.nbins', options.nbins ?? 256, { min: classes });
    const h = floatHistogram(values, nbins, 'thresholdMultiOtsu');
    hist = h.hist;
    toValue = (b) => h.min + (b + 0.5) * h.width;
  }
  // Compact to the occupied bins: an empty bin never changes a class's weight or moment, so the
  // optimum over occupied bins is the optimum overall (and the smallest such split is reported).
  const bins: number[] = [];
  for (let i = 0; i < hist.length; i++) if (hist[i]! > 0) bins.push(i);
  if (bins.length < classes) {
    throw new ArgumentError(fn, 'values', `at least ${classes} distinct values for ${classes} classes`, `${bins.length} distinct`);
  }
  const m = bins.length;
  // Cumulative weight P and first moment S over the occupied bins (moments in bin-index units).
  const P = new Float64Array(m + 1);
  const S = new Float64Array(m + 1);
  for (let j = 0; j < m; j++) {
    const c = hist[bins[j]!]!;
    P[j + 1] = P[j]! + c;
    S[j + 1] = S[j]! + c * bins[j]!;
  }
  // Class over occupied bins [a, b): contribution S²/P (maximising Σ S_k²/P_k maximises the
  // between-class variance since the total mean is fixed).
  const term = (a: number, b: number): number => {
    const p = P[b]! - P[a]!;
    const s = S[b]! - S[a]!;
    return (s * s) / p;
  };
  const cuts = new Array<number>(classes - 1).fill(0);
  const best = { value: -Infinity, cuts: cuts.slice() };
  const search = (k: number, start: number, acc: number): void => {
    if (k === classes - 1) {
      const v = acc + term(start, m);
      if (v > best.value) {
        best.value = v;
        best.cuts = cuts.slice();
      }
      return;
    }
    // cut after occupied bin index e−1: class k is [start, e)
    for (let e = start + 1; e <= m - (classes - 1 - k); e++) {
      cuts[k] = e;
      search(k + 1, e, acc + term(start, e));
    }
  };
  search(0, 0, 0);
  return best.cuts.map((e) => toValue(bins[e - 1]!));
}
