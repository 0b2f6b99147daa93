import * as tf from '@tensorflow/tfjs';
import { bagAssignmentMatrix, type BagSegments } from './bagAssignmentMatrix.js';
import { contiguousBagStarts } from './contiguousBagStarts.js';
import { checkThat } from '../core/index.js';

/** Added (times −1) to values outside a bag before a max, so they never win. Larger than any sane activation. */
export const SEGMENT_MASK_VALUE = 1e30;

/**
 * Per-bag maximum of instance values.
 *
 * Shape key: B bags, ΣN instances, D features. When every bag is one contiguous block of rows (as
 * `createRaggedBatch` makes them), one `slice` + `max` per bag (memory ΣN·D). Otherwise by masking,
 * `max_i (x_i + (A[b, i] − 1)·1e30)` over a [B, ΣN, D] tensor (memory B·ΣN·D). Both use only ops that every
 * backend implements with gradients; the gradient goes to the arg-max instance(s) of each bag (ties share it,
 * as tfjs `max` does).
 *
 * @param values - [ΣN] or [ΣN, D] float32 instance values with |x| ≪ 1e30; not disposed.
 * @param segments - The bag structure (see {@link BagSegments}); its length must be ΣN.
 * @returns [B] or [B, D] float32, a new tensor (runs in `tf.tidy`).
 * @example
 * ```ts
 * segmentMax(tf.tensor1d([1, 5, 2]), { bagIds: Int32Array.of(0, 0, 1), bagSizes: Int32Array.of(2, 1), numBags: 2 });
 * // [5, 2]
 * ```
 */
export function segmentMax<T extends tf.Tensor1D | tf.Tensor2D>(values: T, segments: BagSegments): T {
  checkThat(values.rank === 1 || values.rank === 2, 'segmentMax', 'values', 'a tensor [ΣN] or [ΣN, D]', values);
  checkThat(values.shape[0] === segments.bagIds.length, 'segmentMax', 'values', `one row per bag id (${segments.bagIds.length})`, values);
  return tf.tidy(() => {
    const starts = contiguousBagStarts(segments);
    if (starts !== null) {
      const perBag = Array.from(starts, (start, b) => {
        const size = segments.bagSizes[b] ?? 0;
        const rows = values.rank === 1 ? tf.slice(values, [start], [size]) : tf.slice(values, [start, 0], [size, -1]);
        return tf.max(rows, 0, true); // [1] or [1, D]
      });
      return tf.concat(perBag, 0); // [B] or [B, D]
    }
    const a = bagAssignmentMatrix(segments); // [B, ΣN]
    const penalty = tf.mul(tf.sub(a, 1), SEGMENT_MASK_VALUE); // [B, ΣN], 0 inside the bag, −1e30 outside
    if (values.rank === 1) {
      return tf.max(tf.add(tf.expandDims(values, 0), penalty), 1); // [B]
    }
    const masked = tf.add(tf.expandDims(values, 0), tf.expandDims(penalty, 2)); // [B, ΣN, D]
    return tf.max(masked, 1); // [B, D]
  }) as T;
}
