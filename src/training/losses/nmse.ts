import * as tf from '@tensorflow/tfjs';
import { checkNumber } from '../../core/index.js';

/** Options of {@link nmse}. */
export interface NmseOptions {
  /**
   * Var(target) to normalise by, fitted once on the training targets (recommended; finite, > 0). With batches of a
   * few patients, or the report's batch size 1 with gradient accumulation, the batch variance is noisy or zero, so
   * pass this. Defaults to the population variance (ddof = 0) of `targets` in the current batch.
   */
  variance?: number;
  /**
   * Floor of the batch variance, used only when `variance` is not given, so that a constant batch (or a batch of one)
   * gives a finite loss, MSE / minVariance, instead of Infinity/NaN. Defaults to 1e-8.
   */
  minVariance?: number;
}

/**
 * Normalised mean squared error, NMSE = MSE / Var(target) = mean((ŷ − y)²) / Var(y).
 * It is scale-free (1 for the constant prediction ȳ), so it can be added to the BCE with a meaningful weight λ
 * (the lymphocyte-count regression head of the multitask model).
 *
 * @param targets - regression targets y, any shape (e.g. [B]). Not disposed.
 * @param predictions - predictions ŷ, same shape. Not disposed.
 * @param options - see {@link NmseOptions}: the variance is passed in, or computed from the batch (floored).
 * @returns a float32 scalar ≥ 0; the caller disposes it.
 * @throws RangeError on different shapes, an empty batch, or a `variance`/`minVariance` that is not finite and > 0.
 *
 * @example
 * ```ts
 * const variance = trainCounts.reduce((s, c) => s + (c - mean) ** 2, 0) / trainCounts.length;
 * const loss = nmse(tf.tensor1d(batchCounts), predictedCounts, { variance });
 * ```
 */
export function nmse(targets: tf.Tensor, predictions: tf.Tensor, options: NmseOptions = {}): tf.Scalar {
  const fn = 'nmse';
  if (!tf.util.arraysEqual(targets.shape, predictions.shape)) {
    throw new RangeError(
      `${fn}: targets shape [${targets.shape.join(', ')}] differs from predictions shape [${predictions.shape.join(', ')}]`,
    );
  }
  if (targets.size === 0) throw new RangeError(`${fn}: expected at least one target, got an empty tensor`);
  const { variance } = options;
  const minVariance = options.minVariance ?? 1e-8;
  if (variance !== undefined) checkNumber(fn, 'variance', variance, { min: 0, minExclusive: true });
  checkNumber(fn, 'minVariance', minVariance, { min: 0, minExclusive: true });
  return tf.tidy(() => {
    const y = tf.cast(targets, 'float32');
    const mse = tf.mean(tf.squaredDifference(tf.cast(predictions, 'float32'), y));
    const denominator = variance ?? tf.maximum(tf.moments(y).variance, minVariance);
    return tf.div(mse, denominator) as tf.Scalar;
  });
}
