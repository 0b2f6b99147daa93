import * as tf from '@tensorflow/tfjs';
import { checkOneOf } from '../../core/index.js';

/**
 * How an element-wise loss is reduced:
 * - `'none'`: the element-wise (weighted) losses, same shape as the logits;
 * - `'sum'`: Σ wᵢ·ℓᵢ;
 * - `'mean'`: (1/N)·Σ wᵢ·ℓᵢ over all N elements (PyTorch's `BCEWithLogitsLoss(weight=…)`);
 * - `'weightedMean'`: Σ wᵢ·ℓᵢ / Σ wᵢ (Σ over the broadcast weights), 0 when Σ wᵢ = 0 (a weighted average, insensitive to the scale of the weights).
 * Without weights `'mean'` and `'weightedMean'` agree.
 */
export type LossReduction = 'none' | 'sum' | 'mean' | 'weightedMean';

const REDUCTIONS: readonly LossReduction[] = ['none', 'sum', 'mean', 'weightedMean'];

/**
 * Checks a reduction name early.
 *
 * @param fnName - the calling function, for the error message.
 * @param reduction - the value to check.
 */
export function checkReduction(fnName: string, reduction: string): asserts reduction is LossReduction {
  if (!(REDUCTIONS as readonly string[]).includes(reduction)) {
    checkOneOf(fnName, 'reduction', reduction, REDUCTIONS);
  }
}

/**
 * Checks that `weights` broadcasts to `shape` (numpy rules, aligned on the right).
 *
 * @param fnName - the calling function, for the error message.
 * @param weightsShape - shape of the weights.
 * @param shape - shape of the element-wise loss.
 */
export function checkBroadcastable(fnName: string, weightsShape: readonly number[], shape: readonly number[]): void {
  const ok =
    weightsShape.length <= shape.length &&
    weightsShape.every((d, i) => d === 1 || d === shape[shape.length - weightsShape.length + i]);
  if (!ok) {
    throw new RangeError(`${fnName}: weights of shape [${weightsShape.join(', ')}] do not broadcast to [${shape.join(', ')}]`);
  }
}

/**
 * Applies optional weights and a reduction to an element-wise loss. Call inside `tf.tidy`.
 *
 * @param losses - element-wise losses, any shape.
 * @param weights - optional weights broadcastable to `losses`.
 * @param reduction - see {@link LossReduction}.
 * @returns the reduced loss (a scalar) or the weighted element-wise losses for `'none'`.
 */
export function reduceLoss(losses: tf.Tensor, weights: tf.Tensor | undefined, reduction: LossReduction): tf.Tensor {
  const weighted = weights === undefined ? losses : tf.mul(losses, weights);
  switch (reduction) {
    case 'none':
      return weighted;
    case 'sum':
      return tf.sum(weighted);
    case 'mean':
      return tf.mean(weighted);
    case 'weightedMean': {
      if (weights === undefined) return tf.mean(weighted);
      // Σ of the weights broadcast to the losses' shape: each weight is repeated size(losses)/size(weights) times.
      // Computed from the weights alone, and the Σw = 0 case handled on it: tf.divNoNan would put an Equal (which
      // has no gradient) on the logits' path.
      const totalWeight = tf.mul(tf.sum(weights), losses.size / weights.size);
      const safeTotal = tf.where(tf.equal(totalWeight, 0), tf.onesLike(totalWeight), totalWeight);
      return tf.div(tf.sum(weighted), safeTotal); // Σw = 0 gives 0 / 1 = 0
    }
  }
}
