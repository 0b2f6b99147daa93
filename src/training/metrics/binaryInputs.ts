import { ArgumentError, checkNumber } from '../../core/index.js';
/**
 * Shared input checks for the binary classification metrics (internal, not re-exported).
 *
 * @packageDocumentation
 */

/** Numbers accepted by the metrics: plain arrays or typed arrays. */
export type NumberArray = ArrayLike<number>;

/**
 * Checks that `labels` are 0/1, that `values` has the same non-zero length and holds no NaN.
 *
 * @param fnName - name of the calling function, used in error messages.
 * @param labels - true labels, each exactly 0 or 1.
 * @param values - predictions or scores, one per label.
 * @param valuesName - what `values` are called in messages ("predictions", "scores").
 * @throws RangeError naming `fnName` and the offending value.
 */
export function checkBinaryInputs(
  fnName: string,
  labels: NumberArray,
  values: NumberArray,
  valuesName: string,
): void {
  if (labels.length === 0) throw new ArgumentError(fnName, 'labels', 'at least one label', labels);
  if (values.length !== labels.length) {
    throw new ArgumentError(fnName, valuesName, `the same length as labels (${labels.length})`, values);
  }
  for (let i = 0; i < labels.length; i++) {
    const z = labels[i];
    if (z !== 0 && z !== 1) throw new ArgumentError(fnName, `labels[${i}]`, '0 or 1', z);
    const v = values[i];
    if (typeof v !== 'number' || Number.isNaN(v)) throw new ArgumentError(fnName, `${valuesName}[${i}]`, 'a number', v);
  }
}

/**
 * Checks a decision threshold: a finite number.
 *
 * @param fnName - name of the calling function, used in error messages.
 * @param threshold - the threshold to check.
 */
export function checkThreshold(fnName: string, threshold: number): void {
  checkNumber(fnName, 'threshold', threshold);
}

/** A run of tied scores and how many positives and negatives hold it. */
export interface ScoreRun {
  readonly value: number;
  readonly positives: number;
  readonly negatives: number;
}

/**
 * Checks labels and scores, then groups tied scores into runs in decreasing score order (what `rocCurve` and
 * `rocAuc` both walk).
 *
 * @param fnName - name of the calling function, used in error messages.
 * @param undefinedWhat - what one class leaves undefined, for the message ("ROC AUC is undefined").
 * @throws ArgumentError on invalid inputs; RangeError naming `fnName` when only one class is present.
 */
export function scoreRuns(
  fnName: string,
  labels: NumberArray,
  scores: NumberArray,
  undefinedWhat: string,
): { positives: number; negatives: number; runs: ScoreRun[] } {
  checkBinaryInputs(fnName, labels, scores, 'scores');
  const n = labels.length;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i] as number;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) {
    throw new RangeError(`${fnName}: only one class present in labels (${positives} positive, ${negatives} negative), ${undefinedWhat}`);
  }
  // Decreasing scores; comparison, not subtraction (Infinity − Infinity is NaN and would break the sort).
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => {
    const sa = scores[a] as number;
    const sb = scores[b] as number;
    return sa > sb ? -1 : sa < sb ? 1 : 0;
  });
  const runs: ScoreRun[] = [];
  let i = 0;
  while (i < n) {
    const value = scores[order[i] as number] as number;
    let p = 0;
    let q = 0;
    for (; i < n && scores[order[i] as number] === value; i++) {
      if (labels[order[i] as number] === 1) p++;
      else q++;
    }
    runs.push({ value, positives: p, negatives: q });
  }
  return { positives, negatives, runs };
}
