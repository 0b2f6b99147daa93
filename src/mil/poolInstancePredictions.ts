import * as tf from '@tensorflow/tfjs';
import type { BagSegments } from './bagAssignmentMatrix.js';
import { maxPooling } from './maxPooling.js';
import { meanPooling } from './meanPooling.js';
import { topKMeanPooling } from './topKMeanPooling.js';
import { checkOneOf, checkThat } from '../core/index.js';

/** How {@link poolInstancePredictions} combines the predictions of a bag. */
export type InstancePredictionPoolingMethod = 'mean' | 'max' | 'topKMean';

/** Options of {@link poolInstancePredictions}. */
export interface PoolInstancePredictionsOptions {
  /** Pooling of the instance predictions of a bag. Defaults to `'mean'`. */
  readonly method?: InstancePredictionPoolingMethod;
  /** k for `'topKMean'` (bags with fewer instances average all). Defaults to `3`. */
  readonly k?: number;
  /**
   * Treat the predictions as logits and pool probabilities `sigmoid(p)` (the output is then a probability in
   * [0, 1]). Defaults to `false`: the values are pooled as given (logits pooled as logits).
   */
  readonly fromLogits?: boolean;
}

/**
 * Pools instance-level predictions into bag-level predictions ("aggregation after prediction", the challenge
 * report's proposed future work): each image gets a score, the patient gets the mean, max or top-k mean.
 *
 * Shape key: B bags, ΣN instances, C outputs per instance.
 *
 * @param predictions - [ΣN] or [ΣN, C] float32 instance predictions (probabilities, logits or scores); not disposed.
 * @param segments - Bag structure of the instances (a `RaggedBatch` works); length ΣN.
 * @param options - See {@link PoolInstancePredictionsOptions}.
 * @returns [B] or [B, C] float32 (same rank as `predictions`), a new tensor (runs in `tf.tidy`).
 * @example
 * ```ts
 * const logits = head.apply(batch.instances) as tf.Tensor2D; // [ΣN, 1]
 * const patient = poolInstancePredictions(logits, batch, { method: 'topKMean', k: 5, fromLogits: true }); // [B, 1]
 * ```
 */
export function poolInstancePredictions<T extends tf.Tensor1D | tf.Tensor2D>(
  predictions: T,
  segments: BagSegments,
  options: PoolInstancePredictionsOptions = {},
): T {
  const fn = 'poolInstancePredictions';
  const method = checkOneOf(fn, 'options.method', options.method ?? 'mean', ['mean', 'max', 'topKMean'] as const);
  checkThat(predictions.rank === 1 || predictions.rank === 2, fn, 'predictions', 'a tensor [ΣN] or [ΣN, C]', predictions);
  checkThat(predictions.shape[0] === segments.bagIds.length, fn, 'predictions', `one row per bag id (${segments.bagIds.length})`, predictions);
  return tf.tidy(() => {
    let p: tf.Tensor2D = predictions.rank === 1 ? tf.expandDims(predictions, 1) : (predictions as tf.Tensor2D); // [ΣN, C]
    if (options.fromLogits === true) p = tf.sigmoid(p); // [ΣN, C]
    const batch = { instances: p, bagIds: segments.bagIds, bagSizes: segments.bagSizes, numBags: segments.numBags };
    let pooled: tf.Tensor2D; // [B, C]
    switch (method) {
      case 'mean':
        pooled = meanPooling(batch);
        break;
      case 'max':
        pooled = maxPooling(batch);
        break;
      case 'topKMean':
        pooled = topKMeanPooling(batch, options.k === undefined ? {} : { k: options.k });
        break;
    }
    return (predictions.rank === 1 ? tf.squeeze(pooled, [1]) : pooled) as T; // [B] or [B, C]
  });
}
