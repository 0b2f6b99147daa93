import { scoreRuns } from './binaryInputs.js';
import type { NumberArray } from './binaryInputs.js';

/** The points of a ROC curve, from (0, 0) to (1, 1). */
export interface RocCurve {
  /** False-positive rate at each point, non-decreasing, from 0 to 1. */
  readonly fpr: number[];
  /** True-positive rate (sensitivity) at each point, non-decreasing, from 0 to 1. */
  readonly tpr: number[];
  /**
   * The score threshold of each point: a score `s` is called positive when `s >= threshold`. The first point's
   * threshold is `Infinity` (nothing positive); then each distinct score, in decreasing order.
   */
  readonly thresholds: number[];
}

/**
 * The ROC curve of scores against binary labels: one point per distinct score (as scikit-learn's `roc_curve` with
 * `drop_intermediate=False`), so that tied scores make one diagonal step. The trapezoidal area under the points is
 * exactly {@link rocAuc} of the same inputs.
 *
 * @param labels - true labels, length N ≥ 2, each 0 or 1, with both classes present.
 * @param scores - real-valued scores, higher means more likely positive, length N, no NaN.
 * @returns `{ fpr, tpr, thresholds }`, each of length (number of distinct scores + 1).
 * @throws RangeError when only one class is present (a rate would divide by zero), and on invalid inputs.
 *
 * @example
 * ```ts
 * rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 * // { fpr: [0, 0, 0.5, 0.5, 1], tpr: [0, 0.5, 0.5, 1, 1], thresholds: [Infinity, 0.8, 0.4, 0.35, 0.1] }
 * ```
 */
export function rocCurve(labels: NumberArray, scores: NumberArray): RocCurve {
  const { positives, negatives, runs } = scoreRuns('rocCurve', labels, scores, 'the ROC curve is undefined');
  const fpr = [0];
  const tpr = [0];
  const thresholds = [Number.POSITIVE_INFINITY];
  let tp = 0;
  let fp = 0;
  for (const run of runs) {
    tp += run.positives;
    fp += run.negatives;
    fpr.push(fp / negatives);
    tpr.push(tp / positives);
    thresholds.push(run.value);
  }
  return { fpr, tpr, thresholds };
}
