import * as tf from '@tensorflow/tfjs';
import { isPaddedBatch, paddedToRagged, type PaddedBatch } from './paddedBatch.js';
import type { RaggedBatch } from './raggedBatch.js';
import { ArgumentError, checkThat } from '../core/index.js';

/** A batch of bags in either form: ragged ([ΣN, D] + bag ids) or padded ([B, N_max, D] + mask). */
export type BagBatch = RaggedBatch | PaddedBatch;

/**
 * Returns `batch` as a {@link RaggedBatch}, converting a padded batch (its new tensor belongs to the enclosing
 * `tf.tidy`: call this inside one). Checks the ragged structure and names `fnName` in errors.
 * @internal
 */
export function asRaggedBatch(batch: BagBatch, fnName: string): RaggedBatch {
  checkThat(batch !== null && typeof batch === 'object', fnName, 'batch', 'a RaggedBatch or PaddedBatch', batch);
  const ragged = isPaddedBatch(batch) ? paddedToRagged(batch) : batch;
  const { instances, bagIds, bagSizes, numBags } = ragged;
  checkThat(instances instanceof tf.Tensor && instances.rank === 2, fnName, 'batch.instances', 'a [ΣN, D] tensor', instances);
  if (bagIds.length !== instances.shape[0] || bagSizes.length !== numBags || numBags < 1) {
    const got = `${instances.shape[0]} instances, ${bagIds.length} bag ids, ${bagSizes.length} sizes, ${numBags} bags`;
    throw new ArgumentError(fnName, 'batch', 'a consistent batch (one bag id per instance, one size per bag, ≥ 1 bag)', got);
  }
  return ragged;
}
