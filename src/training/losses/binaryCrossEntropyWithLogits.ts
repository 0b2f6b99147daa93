import * as tf from '@tensorflow/tfjs';
import { checkBroadcastable, checkReduction, reduceLoss } from './reduction.js';
import type { LossReduction } from './reduction.js';
import { checkNumber } from '../../core/index.js';

/** Options of {@link binaryCrossEntropyWithLogits}. */
export interface BinaryCrossEntropyOptions {
  /**
   * Weight of the positive term, as in PyTorch's `pos_weight` and TensorFlow's `weighted_cross_entropy_with_logits`:
   * ℓ = −[p·z·log σ(x) + (1 − z)·log(1 − σ(x))]. With class weights `w = classWeights(labels)`,
   * `posWeight = w.positive / w.negative` gives the same gradients up to the overall scale. Finite, > 0. Defaults to 1.
   */
  posWeight?: number;
  /**
   * Per-element weights broadcastable to the logits' shape (for example one class weight per patient, [B]).
   * Not disposed. Defaults to no weights (all 1).
   */
  weights?: tf.Tensor;
  /** How the element-wise losses are reduced, see {@link LossReduction}. Defaults to `'mean'`. */
  reduction?: LossReduction;
}

/**
 * Binary cross-entropy computed from logits in the numerically stable form.
 *
 * Derivation: with softplus(t) = log(1 + eᵗ), −log σ(x) = softplus(−x) and −log(1 − σ(x)) = x + softplus(−x), so
 *
 *   ℓ = p·z·softplus(−x) + (1 − z)·(x + softplus(−x)) = (1 − z)·x + (1 + (p − 1)·z)·softplus(−x),
 *
 * and softplus(−x) = log1p(exp(−|x|)) + max(−x, 0) never overflows. For p = 1 this is the familiar
 * `max(x, 0) − x·z + log1p(exp(−|x|))`. Logits of ±1e4 give finite losses and gradients (σ(x) − z for p = 1).
 * Only backend-neutral element-wise ops are used (cpu, wasm, webgl, webgpu).
 *
 * @param labels - targets z in [0, 1] (hard 0/1 or soft labels), same shape as `logits`; float32. Not checked for
 *   range (that would need a GPU read-back). Not disposed.
 * @param logits - raw scores x (before the sigmoid), any shape, e.g. [B]. Not disposed.
 * @param options - see {@link BinaryCrossEntropyOptions}.
 * @returns a float32 scalar, or the element-wise losses with the shape of `logits` for `reduction: 'none'`.
 *   The caller disposes it (or calls this inside `tf.tidy` / `optimizer.minimize`).
 * @throws RangeError when the shapes differ, the weights do not broadcast, `posWeight` is not finite and > 0, or
 *   the reduction is unknown.
 *
 * @example
 * ```ts
 * const w = classWeights(labelsArray);            // inverse class frequency
 * const loss = binaryCrossEntropyWithLogits(tf.tensor1d(labelsArray), logits, {
 *   weights: tf.tensor1d(labelsArray.map((z) => (z === 1 ? w.positive : w.negative))),
 * });
 * ```
 */
export function binaryCrossEntropyWithLogits(
  labels: tf.Tensor,
  logits: tf.Tensor,
  options: BinaryCrossEntropyOptions & { reduction: 'none' },
): tf.Tensor;
export function binaryCrossEntropyWithLogits(
  labels: tf.Tensor,
  logits: tf.Tensor,
  options?: BinaryCrossEntropyOptions & { reduction?: Exclude<LossReduction, 'none'> },
): tf.Scalar;
export function binaryCrossEntropyWithLogits(
  labels: tf.Tensor,
  logits: tf.Tensor,
  options: BinaryCrossEntropyOptions = {},
): tf.Tensor {
  const fn = 'binaryCrossEntropyWithLogits';
  const posWeight = options.posWeight ?? 1;
  const reduction = options.reduction ?? 'mean';
  checkReduction(fn, reduction);
  if (!tf.util.arraysEqual(labels.shape, logits.shape)) {
    throw new RangeError(`${fn}: labels shape [${labels.shape.join(', ')}] differs from logits shape [${logits.shape.join(', ')}]`);
  }
  checkNumber(fn, 'posWeight', posWeight, { min: 0, minExclusive: true });
  const { weights } = options;
  if (weights !== undefined) checkBroadcastable(fn, weights.shape, logits.shape);
  return tf.tidy(() => {
    const x = tf.cast(logits, 'float32');
    const z = tf.cast(labels, 'float32');
    // |x| and max(±x, 0) through one `where` on x ≥ 0 (as TensorFlow does) rather than abs/relu: their
    // sub-gradients at x = 0 (sign(0) = 0, step(0) = 0) would not add up to the true derivative σ(0) − z.
    const nonNegative = tf.greaterEqual(x, 0);
    const zeros = tf.zerosLike(x);
    const negAbsX = tf.where(nonNegative, tf.neg(x), x); // −|x|
    // log1p(exp(−|x|)): exp argument ≤ 0, so no overflow; log1p keeps precision when exp(−|x|) is tiny.
    const logTerm = tf.log1p(tf.exp(negAbsX));
    let losses: tf.Tensor;
    if (posWeight === 1) {
      const reluX = tf.where(nonNegative, x, zeros); // max(x, 0)
      losses = tf.add(tf.sub(reluX, tf.mul(x, z)), logTerm); // max(x,0) − x·z + log1p(exp(−|x|))
    } else {
      const reluNegX = tf.where(nonNegative, zeros, tf.neg(x)); // max(−x, 0)
      const softplusNegX = tf.add(logTerm, reluNegX); // softplus(−x)
      const scale = tf.add(1, tf.mul(posWeight - 1, z)); // 1 + (p − 1)·z
      losses = tf.add(tf.mul(tf.sub(1, z), x), tf.mul(scale, softplusNegX));
    }
    return reduceLoss(losses, weights, reduction);
  });
}
