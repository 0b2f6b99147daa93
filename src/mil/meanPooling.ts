import * as tf from '@tensorflow/tfjs';
import { asRaggedBatch, type BagBatch } from './bagBatch.js';
import { segmentSum } from './segmentSum.js';

/**
 * Mean of the instances of every bag: `z_b = (1/N_b) Σ_{i∈b} h_i`.
 *
 * Shape key: B bags, ΣN instances, D features. A segment mean ({@link segmentSum}): one slice per bag when bags are
 * contiguous, else one matMul by the row-normalised assignment matrix [B, ΣN].
 *
 * @param batch - Ragged ([ΣN, D] + bag ids) or padded ([B, N_max, D] + mask) batch; not disposed.
 * @returns [B, D] float32 bag embeddings, a new tensor (runs in `tf.tidy`).
 * @example
 * ```ts
 * const z = meanPooling(createRaggedBatch([[[1], [3]], [[5]]])); // [[2], [5]]
 * ```
 */
export function meanPooling(batch: BagBatch): tf.Tensor2D {
  return tf.tidy(() => {
    const ragged = asRaggedBatch(batch, 'meanPooling');
    return segmentSum(ragged.instances, ragged, { mean: true }); // [B, D]
  });
}
