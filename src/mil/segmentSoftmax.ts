import * as tf from '@tensorflow/tfjs';
import type { BagSegments } from './bagAssignmentMatrix.js';
import { bagToInstances } from './bagToInstances.js';
import { segmentMax } from './segmentMax.js';
import { segmentSum } from './segmentSum.js';
import { stopGradient } from './stopGradient.js';
import { checkThat } from '../core/index.js';

/**
 * Softmax of instance scores within each bag: `a_i = exp(s_i − m_b) / Σ_{j∈b} exp(s_j − m_b)`, b = bag of i.
 *
 * Stable form: m_b = max of the bag's scores is subtracted before `exp` (under a stop-gradient: the softmax does
 * not depend on the shift), so no `exp` overflows; the denominators are segment sums ({@link segmentSum}).
 * The weights of every bag are positive and sum to 1; a single-instance bag gets weight 1.
 *
 * @param scores - [ΣN] float32 instance scores (logits); not disposed.
 * @param segments - The bag structure (see {@link BagSegments}); its length must be ΣN.
 * @returns [ΣN] float32 weights, a new tensor (runs in `tf.tidy`).
 * @example
 * ```ts
 * const a = segmentSoftmax(tf.tensor1d([0, Math.log(3), 7]), batch); // bags {0, 1}, {2} → [0.25, 0.75, 1]
 * ```
 */
export function segmentSoftmax(scores: tf.Tensor1D, segments: BagSegments): tf.Tensor1D {
  checkThat(scores.rank === 1, 'segmentSoftmax', 'scores', 'a tensor [ΣN]', scores);
  checkThat(scores.shape[0] === segments.bagIds.length, 'segmentSoftmax', 'scores', `one score per bag id (${segments.bagIds.length})`, scores);
  return tf.tidy(() => {
    const bagMax = stopGradient(scores, (s) => segmentMax(s as tf.Tensor1D, segments)); // [B]
    const e = tf.exp(tf.sub(scores, bagToInstances(bagMax, segments))) as tf.Tensor1D; // [ΣN], in (0, 1]
    const denom = segmentSum(e, segments); // [B], ≥ 1
    return tf.div(e, bagToInstances(denom, segments)); // [ΣN]
  });
}
