import { confusionMatrix } from './confusionMatrix.js';
import type { ThresholdOptions } from './confusionMatrix.js';
import type { NumberArray } from './binaryInputs.js';

/**
 * Balanced accuracy: the mean of the per-class recalls, (sensitivity + specificity) / 2. It is the challenge metric,
 * insensitive to the 113 malignant / 50 reactive imbalance (a constant prediction scores 0.5).
 *
 * Degenerate case: when `labels` holds a single class, the recall of the other class is undefined and, as in
 * scikit-learn's `balanced_accuracy_score`, the mean is taken over the classes present, i.e. the result is the
 * recall of the present class (plain accuracy). It never returns NaN.
 *
 * @param labels - true labels, length N ≥ 1, each 0 or 1.
 * @param predictions - 0/1 predictions or scores, length N, thresholded with `v >= threshold`.
 * @param options - see {@link ThresholdOptions}; threshold defaults to 0.5.
 * @returns a number in [0, 1].
 * @throws RangeError on empty or mismatched inputs, labels outside {0, 1} or NaN values.
 *
 * @example
 * ```ts
 * balancedAccuracy([1, 1, 1, 0], [1, 1, 0, 0]); // (2/3 + 1) / 2 = 0.8333…
 * ```
 */
export function balancedAccuracy(
  labels: NumberArray,
  predictions: NumberArray,
  options: ThresholdOptions = {},
): number {
  const { tp, fp, tn, fn } = confusionMatrix(labels, predictions, options);
  const recalls: number[] = [];
  if (tp + fn > 0) recalls.push(tp / (tp + fn));
  if (tn + fp > 0) recalls.push(tn / (tn + fp));
  // At least one class is present because labels is non-empty.
  return recalls.reduce((a, b) => a + b, 0) / recalls.length;
}
