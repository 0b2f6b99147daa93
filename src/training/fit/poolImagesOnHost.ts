import { ArgumentError, checkOneOf } from '../../core/index.js';
import type { PatientBag } from '../../models/index.js';

/** Aggregators whose bag embedding {@link poolImagesOnHost} can precompute exactly. */
export type HostPoolableAggregator = 'mean' | 'max';

/**
 * Replaces each patient's image embeddings [N, D] by their pooled vector [1, D] (column mean or max), computed once
 * on the host. For a parameter-free aggregator the pooled embedding never changes during training, and pooling one
 * instance returns it unchanged, so a model sees the same bag embeddings — at a fraction of the cost. Exact for
 * `'mean'` and `'max'` also after a per-dimension standardisation with σ > 0 (both commute with x ↦ (x − μ)/σ).
 * Patients without `images` are returned as they are.
 *
 * @param bags - Patients; not modified.
 * @param aggregator - `'mean'` or `'max'`.
 * @returns New patient objects sharing everything but `images`.
 * @example
 * ```ts
 * const fast = poolImagesOnHost(trainBags, 'mean'); // each images matrix is now [1, D]
 * ```
 */
export function poolImagesOnHost(bags: readonly PatientBag[], aggregator: HostPoolableAggregator): PatientBag[] {
  checkOneOf('poolImagesOnHost', 'aggregator', aggregator, ['mean', 'max'] as const);
  return bags.map((bag) => {
    const m = bag.images;
    if (m === undefined) return bag;
    if (m.rows < 1 || m.data.length !== m.rows * m.cols) {
      throw new ArgumentError('poolImagesOnHost', `patient ${bag.id} images`, `[N ≥ 1, ${m.cols}]`, `${m.data.length} values for ${m.rows} rows`);
    }
    const out = new Float64Array(m.cols).fill(aggregator === 'max' ? -Infinity : 0);
    for (let r = 0; r < m.rows; r++) {
      for (let c = 0; c < m.cols; c++) {
        const v = m.data[r * m.cols + c] as number;
        out[c] = aggregator === 'max' ? Math.max(out[c] as number, v) : (out[c] as number) + v / m.rows;
      }
    }
    return { ...bag, images: { data: Float32Array.from(out), rows: 1, cols: m.cols } };
  });
}
