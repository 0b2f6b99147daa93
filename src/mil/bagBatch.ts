import * as tf from '@tensorflow/tfjs';
import { isPaddedBatch, paddedToRagged, type PaddedBatch } from './paddedBatch.js';
import type { RaggedBatch } from './raggedBatch.js';

/** A batch of bags in either form: ragged ([ΣN, D] + bag ids) or padded ([B, N_max, D] + mask). */
export type BagBatch = RaggedBatch | PaddedBatch;

/**
 * Returns `batch` as a {@link RaggedBatch}, converting a padded batch (its new tensor belongs to the enclosing
 * `tf.tidy`: call this inside one). Checks the ragged structure and names `fnName` in errors.
 * @internal
 */
export function asRaggedBatch(batch: BagBatch, fnName: string): RaggedBatch {
  if (batch === null || typeof batch !== 'object') {
    throw new Error(`${fnName}: expected a RaggedBatch or PaddedBatch, got ${String(batch)}`);
  }
  const ragged = isPaddedBatch(batch) ? paddedToRagged(batch) : batch;
  const { instances, bagIds, bagSizes, numBags } = ragged;
  if (!(instances instanceof tf.Tensor) || instances.rank !== 2) {
    throw new Error(`${fnName}: batch.instances must be a [ΣN, D] tensor`);
  }
  if (bagIds.length !== instances.shape[0] || bagSizes.length !== numBags || numBags < 1) {
    throw new Error(
      `${fnName}: inconsistent batch: ${instances.shape[0]} instances, ${bagIds.length} bag ids, ${bagSizes.length} sizes, ${numBags} bags`,
    );
  }
  return ragged;
}
