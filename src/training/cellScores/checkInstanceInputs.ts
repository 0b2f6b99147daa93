import { ArgumentError } from '../../core/index.js';
import type { CellMatrix } from './cellMatrix.js';

/**
 * Checks the inputs every per-cell learner takes; returns the weights scaled to a mean of 1 and the weighted log-odds
 * of the labels (a learner's starting logit).
 *
 * @param fn - The public function to name in errors.
 * @param cells - [n ≥ 2, F ≥ 1] finite rows.
 * @param labels - [n] 0 or 1.
 * @param weights - [n] finite weights ≥ 0, both classes with positive total weight.
 * @returns `weights`: [n] the weights times n / Σ weights; `logOdds`: log(Σ positive weights / Σ negative weights).
 * @throws {ArgumentError} naming `fn`, the argument and the row or index at fault.
 */
export function checkInstanceInputs(
  fn: string,
  cells: CellMatrix,
  labels: ArrayLike<number>,
  weights: ArrayLike<number>,
): { weights: Float64Array; logOdds: number } {
  const { rows: n, cols: f, data } = cells;
  if (n < 2 || f < 1 || data.length !== n * f) throw new ArgumentError(fn, 'cells', '[n ≥ 2, F ≥ 1] with n·F values', cells);
  if (labels.length !== n) throw new ArgumentError(fn, 'labels', `${n} labels`, labels);
  if (weights.length !== n) throw new ArgumentError(fn, 'weights', `${n} weights`, weights);
  let wSum = 0;
  let wPos = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (y !== 0 && y !== 1) throw new ArgumentError(fn, `labels[${i}]`, '0 or 1', y);
    const w = weights[i]!;
    if (!(w >= 0) || !Number.isFinite(w)) throw new ArgumentError(fn, `weights[${i}]`, 'a finite number ≥ 0', w);
    wSum += w;
    if (y === 1) wPos += w;
  }
  if (!(wPos > 0) || !(wSum - wPos > 0)) throw new ArgumentError(fn, 'labels', 'both classes present with positive weight', `${wPos} of ${wSum}`);
  for (let k = 0; k < n * f; k++) {
    if (!Number.isFinite(data[k])) throw new ArgumentError(fn, `cells row ${Math.floor(k / f)} column ${k % f}`, 'a finite number', data[k]);
  }
  return { weights: Float64Array.from(weights, (v) => (v * n) / wSum), logOdds: Math.log(wPos / (wSum - wPos)) };
}
