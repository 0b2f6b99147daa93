import { confusionMatrix } from './confusionMatrix.js';
import type { ThresholdOptions } from './confusionMatrix.js';
import type { NumberArray } from './binaryInputs.js';

/**
 * Sensitivity (recall of the positive class, true positive rate): TP / (TP + FN).
 *
 * @param labels - true labels, length N ≥ 1, each 0 or 1; at least one must be 1.
 * @param predictions - 0/1 predictions or scores, length N, thresholded with `v >= threshold`.
 * @param options - see {@link ThresholdOptions}; threshold defaults to 0.5.
 * @returns a number in [0, 1].
 * @throws RangeError when `labels` holds no positive example (sensitivity is 0/0, undefined), and on invalid inputs.
 *
 * @example
 * ```ts
 * sensitivity([1, 1, 0, 0], [1, 0, 0, 1]); // 0.5
 * ```
 */
export function sensitivity(labels: NumberArray, predictions: NumberArray, options: ThresholdOptions = {}): number {
  const { tp, fn } = confusionMatrix(labels, predictions, options);
  if (tp + fn === 0) {
    throw new RangeError('sensitivity: labels contain no positive (1) example, sensitivity is undefined');
  }
  return tp / (tp + fn);
}
