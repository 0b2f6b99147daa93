import * as tf from '@tensorflow/tfjs';
import { asRaggedBatch, type BagBatch } from './bagBatch.js';
import { contiguousBagStarts } from './contiguousBagStarts.js';
import { raggedToPadded } from './paddedBatch.js';
import { SEGMENT_MASK_VALUE } from './segmentMax.js';
import { stopGradient } from './stopGradient.js';
import { checkInteger } from '../core/index.js';

/** Options of {@link topKMeanPooling}. */
export interface TopKMeanPoolingOptions {
  /** Number k ≥ 1 of largest instances averaged per bag and feature; bags with N_b < k average all N_b. Defaults to `3`. */
  readonly k?: number;
}

/**
 * Top-k mean pooling: per bag and feature, the mean of the k largest instance values,
 * `z_{b,d} = (1/k_b) Σ_{i ∈ topk_b(h_{·,d})} h_{i,d}` with k_b = min(k, N_b). k = 1 is max pooling;
 * k ≥ N_b is mean pooling for that bag.
 *
 * Shape key: B bags, N_max largest bag, ΣN instances, D features, k' = min(k, N_max). `tf.topk` picks the
 * indices under a stop-gradient (TopK has no gradient; the selection is piecewise constant) and the mean is a
 * masked sum, so the gradient is 1/k_b on each selected value; ties pick the lower index. When every bag is one
 * contiguous block of rows (as `createRaggedBatch` makes them) this runs bag by bag on slices (selection memory
 * D·k_b·N_b per bag); otherwise the batch is padded to [B, N_max, D] (one matMul) with padding masked by −1e30
 * (selection memory B·D·k'·N_max).
 *
 * @param batch - Ragged ([ΣN, D] + bag ids) or padded ([B, N_max, D] + mask) batch; not disposed.
 * @param options - See {@link TopKMeanPoolingOptions}.
 * @returns [B, D] float32 bag embeddings, a new tensor (runs in `tf.tidy`).
 * @example
 * ```ts
 * const z = topKMeanPooling(createRaggedBatch([[[1], [5], [3]], [[4]]]), { k: 2 }); // [[4], [4]]
 * ```
 */
export function topKMeanPooling(batch: BagBatch, options: TopKMeanPoolingOptions = {}): tf.Tensor2D {
  const k = checkInteger('topKMeanPooling', 'options.k', options.k ?? 3, { min: 1 });
  return tf.tidy(() => {
    const ragged = asRaggedBatch(batch, 'topKMeanPooling');
    const starts = contiguousBagStarts(ragged);
    if (starts !== null) {
      const perBag = Array.from(starts, (start, b) => {
        const size = ragged.bagSizes[b] ?? 0;
        const kb = Math.min(k, size);
        const rows = tf.slice(ragged.instances, [start, 0], [size, -1]); // [N_b, D]
        if (kb === size) return tf.mean(rows, 0, true); // [1, D]
        const byFeature = tf.transpose(rows); // [D, N_b]
        const selection = stopGradient(byFeature, (v) => {
          const { indices } = tf.topk(v, kb); // [D, k_b] int32
          const slots = tf.range(0, size, 1, 'int32'); // [N_b]
          return tf.sum(tf.cast(tf.equal(tf.expandDims(indices, 2), slots), 'float32'), 1); // [D, N_b], 0/1
        });
        return tf.expandDims(tf.div(tf.sum(tf.mul(byFeature, selection), 1), kb), 0); // [1, D]
      });
      return tf.concat(perBag, 0) as tf.Tensor2D; // [B, D]
    }
    const { values, mask } = raggedToPadded(ragged); // [B, N_max, D], [B, N_max]
    const [numBags, maxSize] = mask.shape;
    const kk = Math.min(k, maxSize);
    const kPerBag = Int32Array.from(ragged.bagSizes, (n) => Math.min(k, n)); // [B]
    const validData = new Float32Array(numBags * kk);
    kPerBag.forEach((kb, b) => validData.fill(1, b * kk, b * kk + kb));
    const valid = tf.tensor4d(validData, [numBags, 1, kk, 1]); // [B, 1, k', 1]
    const byFeature = tf.transpose(values, [0, 2, 1]); // [B, D, N_max]
    const penalty = tf.expandDims(tf.mul(tf.sub(mask, 1), SEGMENT_MASK_VALUE), 1); // [B, 1, N_max]
    const selection = stopGradient(byFeature, (v) => {
      const { indices } = tf.topk(tf.add(v, penalty), kk); // [B, D, k'] int32
      const slots = tf.range(0, maxSize, 1, 'int32'); // [N_max]
      const oneHot = tf.cast(tf.equal(tf.expandDims(indices, 3), slots), 'float32'); // [B, D, k', N_max]
      return tf.sum(tf.mul(oneHot, valid), 2); // [B, D, N_max], 0/1
    });
    const sums = tf.sum(tf.mul(byFeature, selection), 2); // [B, D]
    const counts = tf.tensor2d(Float32Array.from(kPerBag), [numBags, 1]); // [B, 1]
    return tf.div(sums, counts) as tf.Tensor2D; // [B, D]
  });
}
