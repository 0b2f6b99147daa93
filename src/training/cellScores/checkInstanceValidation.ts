import { ArgumentError } from '../../core/index.js';
import type { InstanceValidation } from './instanceLearner.js';

/**
 * Checks the held-out cells of a per-cell fit: `cols` columns, one label (0 or 1) and one finite weight ≥ 0 per
 * cell, finite values; messages name `fn` and `options.validation`.
 *
 * @param fn - The public function, for messages.
 * @param validation - The held-out cells, or `undefined` (none).
 * @param cols - The training cells' columns F.
 * @returns The same validation (or `undefined`).
 * @throws {ArgumentError} naming `fn` and the field.
 * @internal
 */
export function checkInstanceValidation(fn: string, validation: InstanceValidation | undefined, cols: number): InstanceValidation | undefined {
  if (validation === undefined) return undefined;
  const name = 'options.validation';
  if (typeof validation !== 'object' || validation === null) throw new ArgumentError(fn, name, '{ cells, labels, weights }', validation);
  const { cells, labels, weights } = validation;
  if (cells?.cols !== cols || cells.rows < 1 || cells.data?.length !== cells.rows * cols) {
    throw new ArgumentError(fn, `${name}.cells`, `an [m ≥ 1, ${cols}] matrix of m·${cols} values`, cells);
  }
  if (labels?.length !== cells.rows) throw new ArgumentError(fn, `${name}.labels`, `${cells.rows} labels`, labels);
  if (weights?.length !== cells.rows) throw new ArgumentError(fn, `${name}.weights`, `${cells.rows} weights`, weights);
  for (let i = 0; i < cells.rows; i++) {
    if (labels[i] !== 0 && labels[i] !== 1) throw new ArgumentError(fn, `${name}.labels[${i}]`, '0 or 1', labels[i]);
    if (!(weights[i]! >= 0) || !Number.isFinite(weights[i])) throw new ArgumentError(fn, `${name}.weights[${i}]`, 'a finite number ≥ 0', weights[i]);
  }
  for (let k = 0; k < cells.data.length; k++) {
    if (!Number.isFinite(cells.data[k])) throw new ArgumentError(fn, `${name}.cells row ${Math.floor(k / cols)} column ${k % cols}`, 'a finite number', cells.data[k]);
  }
  return validation;
}
