import { balancedAccuracy } from '../metrics/balancedAccuracy.js';
import { rocAuc } from '../metrics/rocAuc.js';
import { stratifiedKFold } from '../splits/stratifiedKFold.js';
import { fitLogisticRegression } from './logisticRegression.js';
import type { LogisticRegressionOptions } from './logisticRegression.js';

/** Options of {@link crossValidateLogisticRegression}. */
export interface CrossValidateLogisticRegressionOptions extends LogisticRegressionOptions {
  /** Number of stratified folds. Defaults to 5. */
  nSplits?: number;
  /** Seeds of the fold reshuffles, one cross-validation each. Defaults to `[0, 1, 2, 3, 4]`. */
  seeds?: readonly number[];
}

/** Result of {@link crossValidateLogisticRegression}. */
export interface LogisticRegressionCvResult {
  /** Balanced accuracy (threshold 0.5) averaged over the held-out folds, one per seed. */
  balancedAccuracy: number[];
  /** ROC AUC averaged over the held-out folds, one per seed. */
  auc: number[];
  /** Mean and sample sd over seeds of the balanced accuracy. */
  summary: { mean: number; sd: number };
}

/**
 * Stratified k-fold cross-validation of the logistic-regression baseline, repeated over fold reshuffles: for each
 * seed, each fold is predicted by the model fitted on the other folds (standardisation and class weights fitted on
 * those folds only) and scored; the fold scores are averaged (scikit-learn's `cross_val_score` convention, and that
 * of `crossValidate`).
 *
 * @param rows - [M][F] finite feature rows (one per patient)
 * @param labels - [M] labels 0 or 1
 * @param options - folds, seeds and the options of {@link fitLogisticRegression}
 * @returns per-seed balanced accuracy and AUC, and the mean ± sd of the balanced accuracy
 * @example
 * const { summary } = crossValidateLogisticRegression(rows, labels, { seeds: [0, 1, 2] });
 * console.log(`${summary.mean.toFixed(3)} ± ${summary.sd.toFixed(3)}`);
 */
export function crossValidateLogisticRegression(
  rows: readonly ArrayLike<number>[],
  labels: readonly (0 | 1)[],
  options: CrossValidateLogisticRegressionOptions = {},
): LogisticRegressionCvResult {
  const { nSplits = 5, seeds = [0, 1, 2, 3, 4], ...fit } = options;
  if (seeds.length === 0) throw new RangeError('crossValidateLogisticRegression: seeds must not be empty');
  if (rows.length !== labels.length) {
    throw new RangeError(`crossValidateLogisticRegression: ${rows.length} rows but ${labels.length} labels`);
  }
  const ba: number[] = [];
  const auc: number[] = [];
  for (const seed of seeds) {
    let baSum = 0;
    let aucSum = 0;
    for (const { train, test } of stratifiedKFold(labels, { nSplits, shuffle: true, seed })) {
      const model = fitLogisticRegression(train.map((i) => rows[i]!), train.map((i) => labels[i]!), fit);
      const p = model.predictProbability(test.map((i) => rows[i]!));
      const y = test.map((i) => labels[i]!);
      baSum += balancedAccuracy(y, p);
      aucSum += rocAuc(y, p);
    }
    ba.push(baSum / nSplits);
    auc.push(aucSum / nSplits);
  }
  const mean = ba.reduce((a, b) => a + b, 0) / ba.length;
  const sd = Math.sqrt(ba.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(ba.length - 1, 1));
  return { balancedAccuracy: ba, auc, summary: { mean, sd } };
}
