import * as tf from '@tensorflow/tfjs';
import { asRaggedBatch, type BagBatch } from './bagBatch.js';
import { bagToInstances } from './bagToInstances.js';
import { segmentMax } from './segmentMax.js';
import { segmentSum } from './segmentSum.js';
import { stopGradient } from './stopGradient.js';
import { checkNumber } from '../core/index.js';

/** Options of {@link logSumExpPooling}. */
export interface LogSumExpPoolingOptions {
  /**
   * Temperature T > 0. T → 0 tends to max pooling, T → ∞ to mean pooling. Defaults to `1`.
   */
  readonly temperature?: number;
}

/**
 * Log-sum-exp (LSE) pooling, a smooth maximum: `z_{b,d} = T · log( (1/N_b) Σ_{i∈b} exp(h_{i,d} / T) )`.
 *
 * Shape key: B bags, ΣN instances, D features. Stable form: with m = per-bag max (stop-gradient),
 * `z = m + T · log( (1/N_b) Σ exp((h − m) / T) )`, so every `exp` is in (0, 1] and the sum is ≥ 1/N_b.
 * The value always lies between the bag mean and the bag max. The gradient is the per-bag softmax of h/T.
 * Reference: Ramon & De Raedt, "Multi instance neural networks" (2000); Wang et al., "Revisiting multiple
 * instance neural networks", Pattern Recognition 74 (2018).
 *
 * @param batch - Ragged ([ΣN, D] + bag ids) or padded ([B, N_max, D] + mask) batch; not disposed.
 * @param options - See {@link LogSumExpPoolingOptions}.
 * @returns [B, D] float32 bag embeddings, a new tensor (runs in `tf.tidy`).
 * @example
 * ```ts
 * const z = logSumExpPooling(batch, { temperature: 0.1 }); // close to max pooling
 * ```
 */
export function logSumExpPooling(batch: BagBatch, options: LogSumExpPoolingOptions = {}): tf.Tensor2D {
  const temperature = checkNumber('logSumExpPooling', 'options.temperature', options.temperature ?? 1, { min: 0, minExclusive: true });
  return tf.tidy(() => {
    const ragged = asRaggedBatch(batch, 'logSumExpPooling');
    const x = ragged.instances; // [ΣN, D]
    const m = stopGradient(x, (t) => segmentMax(t as tf.Tensor2D, ragged)); // [B, D]
    const e = tf.exp(tf.div(tf.sub(x, bagToInstances(m, ragged)), temperature)); // [ΣN, D], in (0, 1]
    const meanExp = segmentSum(e as tf.Tensor2D, ragged, { mean: true }); // [B, D], in [1/N_b, 1]
    return tf.add(m, tf.mul(temperature, tf.log(meanExp))); // [B, D]
  });
}
