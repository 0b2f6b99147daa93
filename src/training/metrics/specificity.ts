import { confusionMatrix } from './confusionMatrix.js';
import type { ThresholdOptions } from './confusionMatrix.js';
import type { NumberArray } from './binaryInputs.js';

/**
 * Specificity (recall of the negative class, true negative rate): TN / (TN + FP).
 *
 * @param labels - true labels, length N ≥ 1, each 0 or 1; at least one must be 0.
 * @param predictions - 0/1 predictions or scores, length N, thresholded with `v >= threshold`.
 * @param options - see {@link ThresholdOptions}; threshold defaults to 0.5.
 * @returns a number in [0, 1].
 * @throws RangeError when `labels` holds no negative example (specificity is 0/0, undefined), and on invalid inputs.
 *
 * @example
 * ```ts
 * specificity([1, 1, 0, 0, 0], [1, 0, 0, 1, 0]); // 2 / 3
 * ```
 */
export function specificity(labels: NumberArray, predictions: NumberArray, options: ThresholdOptions = {}): number {
  const { tn, fp } = confusionMatrix(labels, predictions, options);
  if (tn + fp === 0) {
    throw new RangeError('specificity: labels contain no negative (0) example, specificity is undefined');
  }
  return tn / (tn + fp);
}
