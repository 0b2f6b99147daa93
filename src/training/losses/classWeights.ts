import { ArgumentError } from '../../core/index.js';
/** Per-class weights for a binary problem. */
export interface ClassWeights {
  /** Weight of class 0 (reactive): n / (2·n₀). */
  readonly negative: number;
  /** Weight of class 1 (malignant): n / (2·n₁). */
  readonly positive: number;
}

/**
 * Balanced class weights from the inverse class frequency, as scikit-learn's
 * `compute_class_weight('balanced', …)`: w_c = n / (2·n_c). Each class then contributes n/2 to the weighted count,
 * so a weighted loss treats both classes equally, matching the balanced-accuracy metric. On the challenge cohort
 * (113 malignant, 50 reactive) this gives w₁ = 163/226 ≈ 0.72 and w₀ = 163/100 = 1.63.
 *
 * @param labels - training labels, length n ≥ 1, each 0 or 1, both classes present.
 * @returns `{ negative, positive }`, both finite and > 0.
 * @throws RangeError when `labels` is empty, holds a value other than 0/1, or lacks one class (its weight would be
 *   infinite; scikit-learn raises as well).
 *
 * @example
 * ```ts
 * classWeights([1, 1, 1, 0]); // { negative: 2, positive: 2 / 3 }
 * ```
 */
export function classWeights(labels: ArrayLike<number>): ClassWeights {
  const n = labels.length;
  if (n === 0) throw new ArgumentError('classWeights', 'labels', 'at least one label', labels);
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const z = labels[i];
    if (z !== 0 && z !== 1) {
      throw new ArgumentError('classWeights', `labels[${i}]`, '0 or 1', z);
    }
    positives += z;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) {
    throw new ArgumentError('classWeights', 'labels', 'both classes', `${positives} positive and ${negatives} negative labels`);
  }
  return { negative: n / (2 * negatives), positive: n / (2 * positives) };
}
