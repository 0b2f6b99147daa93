import { checkBinaryInputs, checkThreshold } from './binaryInputs.js';
import type { NumberArray } from './binaryInputs.js';

/** Counts of a binary confusion matrix; class 1 (malignant) is the positive class. */
export interface ConfusionMatrix {
  /** True positives: label 1 predicted 1. */
  readonly tp: number;
  /** False positives: label 0 predicted 1. */
  readonly fp: number;
  /** True negatives: label 0 predicted 0. */
  readonly tn: number;
  /** False negatives: label 1 predicted 0. */
  readonly fn: number;
}

/** Options shared by the thresholded metrics (confusion matrix, sensitivity, specificity, balanced accuracy). */
export interface ThresholdOptions {
  /**
   * A value `v` is predicted positive when `v >= threshold`. With 0/1 predictions any threshold in (0, 1] gives the
   * predictions back; with probabilities 0.5 is the usual choice, with logits use 0. Defaults to 0.5.
   */
  threshold?: number;
}

/**
 * Binary confusion matrix of labels against predictions or scores.
 *
 * @param labels - true labels, length N ≥ 1, each 0 or 1.
 * @param predictions - 0/1 predictions or real-valued scores, length N, no NaN; thresholded with `v >= threshold`.
 * @param options - see {@link ThresholdOptions}.
 * @returns the counts `{ tp, fp, tn, fn }`, summing to N.
 * @throws RangeError on empty or mismatched inputs, labels outside {0, 1}, NaN values or a non-finite threshold.
 *
 * @example
 * ```ts
 * confusionMatrix([1, 0, 1, 0], [0.9, 0.6, 0.2, 0.1]); // { tp: 1, fp: 1, tn: 1, fn: 1 }
 * ```
 */
export function confusionMatrix(
  labels: NumberArray,
  predictions: NumberArray,
  options: ThresholdOptions = {},
): ConfusionMatrix {
  const threshold = options.threshold ?? 0.5;
  checkThreshold('confusionMatrix', threshold);
  checkBinaryInputs('confusionMatrix', labels, predictions, 'predictions');
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < labels.length; i++) {
    const positive = (predictions[i] as number) >= threshold;
    if (labels[i] === 1) {
      if (positive) tp++;
      else fn++;
    } else if (positive) fp++;
    else tn++;
  }
  return { tp, fp, tn, fn };
}
