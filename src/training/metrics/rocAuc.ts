import { scoreRuns } from './binaryInputs.js';
import type { NumberArray } from './binaryInputs.js';

/**
 * Area under the ROC curve, computed exactly as the Mann–Whitney U statistic with mid-ranks:
 *
 *   AUC = (Σ_{i positive} rank_i − P·(P + 1)/2) / (P·N)
 *
 * where tied scores share the mean of their ranks. A tied (positive, negative) pair therefore counts 1/2, which is
 * what scikit-learn's `roc_auc_score` gets from the trapezoidal rule over thresholds at distinct scores.
 * The result depends only on the order of the scores, so any strictly increasing transform (sigmoid, logit, log)
 * leaves it unchanged. ±Infinity scores are allowed (they rank first/last); NaN is rejected.
 *
 * @param labels - true labels, length N ≥ 2, each 0 or 1, with both classes present.
 * @param scores - real-valued scores, higher means more likely positive, length N.
 * @returns a number in [0, 1]; 0.5 for uninformative scores.
 * @throws RangeError when only one class is present (AUC is undefined, as scikit-learn raises), and on invalid inputs.
 *
 * @example
 * ```ts
 * rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.75
 * ```
 */
export function rocAuc(labels: NumberArray, scores: NumberArray): number {
  const { positives, negatives, runs } = scoreRuns('rocAuc', labels, scores, 'ROC AUC is undefined');
  // Sum of mid-ranks (1-based, increasing scores) of the positives: a run of m tied scores after `below` lower ones
  // shares rank below + (m + 1)/2.
  let rankSumPositives = 0;
  let below = 0;
  for (let r = runs.length - 1; r >= 0; r--) {
    const { positives: p, negatives: q } = runs[r]!;
    rankSumPositives += p * (below + (p + q + 1) / 2);
    below += p + q;
  }
  return (rankSumPositives - (positives * (positives + 1)) / 2) / (positives * negatives);
}
