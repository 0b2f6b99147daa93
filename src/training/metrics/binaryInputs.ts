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
