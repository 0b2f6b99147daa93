import * as tf from '@tensorflow/tfjs';
import { bagAssignmentMatrix, type BagSegments } from './bagAssignmentMatrix.js';
import { contiguousBagStarts } from './contiguousBagStarts.js';
import { checkThat } from '../core/index.js';

/** Options of {@link segmentSum}. */
export interface SegmentSumOptions {
  /** Divide bag b's sum by N_b (segment mean). Defaults to `false`. */
  readonly mean?: boolean;
}

/**
 * Per-bag sum (or mean) of instance values: `y_b = Σ_{i∈b} x_i`.
 *
 * Shape key: B bags, ΣN instances, D features. When every bag is one contiguous block of rows (as
 * `createRaggedBatch` makes them): one `slice` + `sum` per bag, O(ΣN·D) work. Otherwise one matMul by the
 * one-hot assignment matrix [B, ΣN] (see {@link bagAssignmentMatrix}), O(B·ΣN·D) work. Both differentiable on
 * every backend (no `UnsortedSegmentSum`).
 *
 * @param values - [ΣN] or [ΣN, D] float32; not disposed.
 * @param segments - The bag structure; its length must be ΣN.
 * @param options - See {@link SegmentSumOptions}.
 * @returns [B] or [B, D] float32, a new tensor (runs in `tf.tidy`).
 * @example
 * ```ts
 * segmentSum(tf.tensor1d([1, 2, 3]), { bagIds: Int32Array.of(0, 1, 0), bagSizes: Int32Array.of(2, 1), numBags: 2 });
 * // [4, 2]
 * ```
 */
export function segmentSum<T extends tf.Tensor1D | tf.Tensor2D>(values: T, segments: BagSegments, options: SegmentSumOptions = {}): T {
  checkThat(values.rank === 1 || values.rank === 2, 'segmentSum', 'values', 'a tensor [ΣN] or [ΣN, D]', values);
  checkThat(values.shape[0] === segments.bagIds.length, 'segmentSum', 'values', `one row per bag id (${segments.bagIds.length})`, values);
  const mean = options.mean === true;
  return tf.tidy(() => {
    const starts = contiguousBagStarts(segments);
    if (starts !== null) {
      const perBag = Array.from(starts, (start, b) => {
        const size = segments.bagSizes[b] ?? 0;
        const rows = values.rank === 1 ? tf.slice(values, [start], [size]) : tf.slice(values, [start, 0], [size, -1]);
        return mean ? tf.mean(rows, 0, true) : tf.sum(rows, 0, true); // [1] or [1, D]
      });
      return tf.concat(perBag, 0); // [B] or [B, D]
    }
    const a = bagAssignmentMatrix(segments, { normalize: mean }); // [B, ΣN]
    if (values.rank === 1) return tf.squeeze(tf.matMul(a, tf.expandDims(values, 1)), [1]); // [B]
    return tf.matMul(a, values as tf.Tensor2D); // [B, D]
  }) as T;
}
