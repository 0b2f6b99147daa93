/**
 * The cells of several patients stacked into one row-major matrix, the input of an {@link InstanceLearner}.
 * Shape key: n cells, F features per cell.
 */
export interface CellMatrix {
  /** [n, F] row-major feature values, finite. */
  readonly data: Float32Array;
  /** Number of cells n ≥ 1. */
  readonly rows: number;
  /** Features per cell F ≥ 1. */
  readonly cols: number;
}

/**
 * Stacks instance matrices of the same width into one {@link CellMatrix}.
 * @param matrices - P ≥ 1 matrices [nₚ, F]
 * @returns the [Σnₚ, F] matrix, rows in input order
 */
export function stackCells(matrices: readonly CellMatrix[]): CellMatrix {
  const cols = matrices[0]!.cols;
  let rows = 0;
  for (const m of matrices) rows += m.rows;
  const data = new Float32Array(rows * cols);
  let offset = 0;
  for (const m of matrices) {
    data.set(m.data.subarray(0, m.rows * cols), offset);
    offset += m.rows * cols;
  }
  return { data, rows, cols };
}
