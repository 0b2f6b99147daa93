import * as tf from '@tensorflow/tfjs';
import type { RaggedBatch } from './raggedBatch.js';
import { ArgumentError } from '../core/index.js';

/** The bag structure of a {@link RaggedBatch}, without its tensor. */
export type BagSegments = Pick<RaggedBatch, 'bagIds' | 'bagSizes' | 'numBags'>;

/** Options of {@link bagAssignmentMatrix}. */
export interface BagAssignmentMatrixOptions {
  /** Divide row b by N_b, so that `matMul(A, x)` is the per-bag mean instead of the sum. Defaults to `false`. */
  readonly normalize?: boolean;
}

/**
 * The one-hot bag assignment matrix A [B, ΣN] float32: `A[b, i] = 1` when instance i belongs to bag b.
 *
 * Segment sums are `matMul(A, x)` ([B, ΣN] × [ΣN, D] → [B, D]) and per-instance broadcasts of bag values are
 * `matMul(A, y, true)` ([ΣN, B] × [B, D] → [ΣN, D]): both are plain matrix products, available and differentiable
 * on every tfjs backend (wasm lacks `UnsortedSegmentSum`). Memory: B·ΣN floats.
 *
 * @param segments - The bag ids/sizes of a {@link RaggedBatch}.
 * @param options - See {@link BagAssignmentMatrixOptions}.
 * @returns A new [B, ΣN] float32 tensor owned by the caller.
 * @example
 * ```ts
 * const A = bagAssignmentMatrix(batch);        // [B, ΣN]
 * const sums = tf.matMul(A, batch.instances);  // [B, D]
 * ```
 */
export function bagAssignmentMatrix(segments: BagSegments, options: BagAssignmentMatrixOptions = {}): tf.Tensor2D {
  const { bagIds, bagSizes, numBags } = segments;
  const total = bagIds.length;
  const data = new Float32Array(numBags * total);
  for (let i = 0; i < total; i++) {
    const b = bagIds[i] ?? -1;
    if (b < 0 || b >= numBags) {
      throw new ArgumentError('bagAssignmentMatrix', `segments.bagIds[${i}]`, `a bag id in [0, ${numBags})`, b);
    }
    data[b * total + i] = options.normalize === true ? 1 / (bagSizes[b] ?? 1) : 1;
  }
  return tf.tensor2d(data, [numBags, total], 'float32'); // [B, ΣN]
}
