import { checkBinaryInputs } from './binaryInputs.js';
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
  checkBinaryInputs('rocAuc', labels, scores, 'scores');
  const n = labels.length;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i] as number;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) {
    throw new RangeError(
      `rocAuc: only one class present in labels (${positives} positive, ${negatives} negative), ROC AUC is undefined`,
    );
  }
  // Comparison, not subtraction: Infinity − Infinity is NaN and would break the sort.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => {
    const sa = scores[a] as number;
    const sb = scores[b] as number;
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  });
  // Sum of mid-ranks (1-based) of the positives; a run of equal scores from position i to j-1 shares rank (i+1+j)/2.
  let rankSumPositives = 0;
  let i = 0;
  while (i < n) {
    const value = scores[order[i] as number] as number;
    let j = i + 1;
    while (j < n && scores[order[j] as number] === value) j++;
    const midRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) {
      if (labels[order[k] as number] === 1) rankSumPositives += midRank;
    }
    i = j;
  }
  return (rankSumPositives - (positives * (positives + 1)) / 2) / (positives * negatives);
}
