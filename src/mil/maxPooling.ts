import * as tf from '@tensorflow/tfjs';
import { asRaggedBatch, type BagBatch } from './bagBatch.js';
import { segmentMax } from './segmentMax.js';

/**
 * Feature-wise maximum over the instances of every bag: `z_{b,d} = max_{i∈b} h_{i,d}`.
 *
 * Shape key: B bags, ΣN instances, D features. Masked max (see {@link segmentMax}): memory B·ΣN·D floats; the
 * gradient goes to the arg-max instance of each bag and feature.
 *
 * @param batch - Ragged ([ΣN, D] + bag ids) or padded ([B, N_max, D] + mask) batch; not disposed.
 * @returns [B, D] float32 bag embeddings, a new tensor (runs in `tf.tidy`).
 * @example
 * ```ts
 * const z = maxPooling(createRaggedBatch([[[1], [3]], [[5]]])); // [[3], [5]]
 * ```
 */
export function maxPooling(batch: BagBatch): tf.Tensor2D {
  return tf.tidy(() => {
    const ragged = asRaggedBatch(batch, 'maxPooling');
    return segmentMax(ragged.instances, ragged); // [B, D]
  });
}
