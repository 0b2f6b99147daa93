import * as tf from '@tensorflow/tfjs';
import { bagAssignmentMatrix, type BagSegments } from './bagAssignmentMatrix.js';
import { contiguousBagStarts } from './contiguousBagStarts.js';
import { ArgumentError } from '../core/index.js';

/**
 * Copies per-bag values to the instances of each bag: `x_i = y_{bag(i)}` (the adjoint of `segmentSum`).
 *
 * Shape key: B bags, ΣN instances, D features. Contiguous bags (as `createRaggedBatch` makes them): one `tile`
 * per bag, O(ΣN·D) work; otherwise one matMul by the transposed one-hot assignment matrix, O(B·ΣN·D).
 * Differentiable on every backend (no `Gather`, whose gradient needs `UnsortedSegmentSum`).
 *
 * @param bagValues - [B] or [B, D] float32; not disposed.
 * @param segments - The bag structure (B = `numBags`).
 * @returns [ΣN] or [ΣN, D] float32, a new tensor (runs in `tf.tidy`).
 * @example
 * ```ts
 * bagToInstances(tf.tensor1d([10, 20]), { bagIds: Int32Array.of(1, 0, 1), bagSizes: Int32Array.of(1, 2), numBags: 2 });
 * // [20, 10, 20]
 * ```
 */
export function bagToInstances<T extends tf.Tensor1D | tf.Tensor2D>(bagValues: T, segments: BagSegments): T {
  if ((bagValues.rank !== 1 && bagValues.rank !== 2) || bagValues.shape[0] !== segments.numBags) {
    throw new ArgumentError('bagToInstances', 'bagValues', `a tensor [${segments.numBags}] or [${segments.numBags}, D] (one row per bag)`, bagValues);
  }
  return tf.tidy(() => {
    const starts = contiguousBagStarts(segments);
    if (starts !== null) {
      const order = Array.from(starts.keys()).sort((p, q) => (starts[p] ?? 0) - (starts[q] ?? 0));
      const blocks = order.map((b) => {
        const size = segments.bagSizes[b] ?? 0;
        if (bagValues.rank === 1) return tf.tile(tf.slice(bagValues, [b], [1]), [size]); // [N_b]
        return tf.tile(tf.slice(bagValues, [b, 0], [1, -1]), [size, 1]); // [N_b, D]
      });
      return tf.concat(blocks, 0); // [ΣN] or [ΣN, D]
    }
    const a = bagAssignmentMatrix(segments); // [B, ΣN]
    if (bagValues.rank === 1) return tf.squeeze(tf.matMul(a, tf.expandDims(bagValues, 1), true), [1]); // [ΣN]
    return tf.matMul(a, bagValues as tf.Tensor2D, true); // [ΣN, D]
  }) as T;
}
