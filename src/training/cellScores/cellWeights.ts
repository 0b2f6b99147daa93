import { ArgumentError } from '../../core/index.js';

/**
 * Per-cell training weights such that every patient counts equally within its class and the two classes count
 * equally: a cell of patient p (of class c, with nₚ cells) weighs P / (2·P_c·nₚ), P patients in all and P_c in
 * class c. The weights sum to P (each patient's cells sum to P / (2·P_c), each class to P / 2), so a learner's
 * regularisation is relative to the number of patients, not of cells, and a patient's weight does not depend on how
 * many images it has: repeating every cell of a patient leaves a weighted fit unchanged.
 *
 * @param cellsPerPatient - [P] number of cells nₚ ≥ 1 of each patient
 * @param labels - [P] 0 or 1 per patient, both classes present
 * @returns [Σnₚ] weights in patient order (the order of {@link stackCells})
 * @throws {ArgumentError} naming `cellWeights` when a count is not a positive integer, a label is not 0/1, or a
 *   class is absent
 * @example
 * cellWeights([1, 3], [0, 1]); // Float64Array [1, 1/3, 1/3, 1/3]
 */
export function cellWeights(cellsPerPatient: ArrayLike<number>, labels: ArrayLike<number>): Float64Array {
  const p = cellsPerPatient.length;
  if (labels.length !== p) throw new ArgumentError('cellWeights', 'labels', `${p} labels (one per patient)`, labels);
  let positives = 0;
  let total = 0;
  for (let i = 0; i < p; i++) {
    const n = cellsPerPatient[i]!;
    if (!Number.isInteger(n) || n < 1) throw new ArgumentError('cellWeights', `cellsPerPatient[${i}]`, 'an integer ≥ 1', n);
    const y = labels[i];
    if (y !== 0 && y !== 1) throw new ArgumentError('cellWeights', `labels[${i}]`, '0 or 1', y);
    positives += y;
    total += n;
  }
  if (positives === 0 || positives === p) {
    throw new ArgumentError('cellWeights', 'labels', 'both classes present', `${positives} positives of ${p}`);
  }
  const out = new Float64Array(total);
  let row = 0;
  for (let i = 0; i < p; i++) {
    const n = cellsPerPatient[i]!;
    const w = p / (2 * (labels[i] === 1 ? positives : p - positives)) / n;
    out.fill(w, row, row + n);
    row += n;
  }
  return out;
}
