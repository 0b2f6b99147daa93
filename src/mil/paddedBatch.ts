import * as tf from '@tensorflow/tfjs';
import type { RaggedBatch } from './raggedBatch.js';
import { checkNumber } from '../core/index.js';

/**
 * A batch of B bags padded to the largest bag, N_max = max_b N_b.
 *
 * Shape key: B bags, N_max slots per bag, D instance dimension.
 * - `values`: [B, N_max, D] float32; slot s of bag b holds an instance when `mask[b, s] = 1`, padding otherwise.
 * - `mask`: [B, N_max] float32 of 0/1; every row has at least one 1.
 *
 * The padded form suits dense kernels and other libraries; the ragged form ({@link RaggedBatch}) wastes no memory
 * on padding. {@link raggedToPadded} and {@link paddedToRagged} convert both ways, differentiably.
 */
export interface PaddedBatch {
  /** [B, N_max, D] float32 instances plus padding. */
  readonly values: tf.Tensor3D;
  /** [B, N_max] float32, 1 for a real instance, 0 for padding. */
  readonly mask: tf.Tensor2D;
}

/** Options of {@link raggedToPadded}. */
export interface RaggedToPaddedOptions {
  /** Value written in padded slots. Defaults to `0`. */
  readonly padValue?: number;
}

/** Slot of every instance inside its bag (order of appearance) and the largest bag size. */
function bagSlots(batch: Pick<RaggedBatch, 'bagIds' | 'numBags' | 'bagSizes'>): { slots: Int32Array; maxSize: number } {
  const next = new Int32Array(batch.numBags);
  const slots = new Int32Array(batch.bagIds.length);
  batch.bagIds.forEach((b, i) => {
    slots[i] = next[b] ?? 0;
    next[b] = (next[b] ?? 0) + 1;
  });
  return { slots, maxSize: batch.bagSizes.reduce((a, n) => Math.max(a, n), 0) };
}

/**
 * Converts a ragged batch to the padded form: bag b's instances fill slots 0…N_b−1 in order of appearance.
 *
 * Implemented as one matMul by a one-hot placement matrix [B·N_max, ΣN] (differentiable on every backend).
 *
 * @param batch - A {@link RaggedBatch}; not disposed.
 * @param options - See {@link RaggedToPaddedOptions}.
 * @returns New `values` [B, N_max, D] and `mask` [B, N_max] tensors owned by the caller.
 * @example
 * ```ts
 * const { values, mask } = raggedToPadded(batch); // [B, N_max, D], [B, N_max]
 * ```
 */
export function raggedToPadded(batch: RaggedBatch, options: RaggedToPaddedOptions = {}): PaddedBatch {
  const padValue = checkNumber('raggedToPadded', 'options.padValue', options.padValue ?? 0);
  const { slots, maxSize } = bagSlots(batch);
  const total = batch.bagIds.length;
  const dim = batch.instances.shape[1];
  const rows = batch.numBags * maxSize;
  const placement = new Float32Array(rows * total);
  const maskData = new Float32Array(rows);
  batch.bagIds.forEach((b, i) => {
    const row = b * maxSize + (slots[i] ?? 0);
    placement[row * total + i] = 1;
    maskData[row] = 1;
  });
  return tf.tidy(() => {
    const p = tf.tensor2d(placement, [rows, total]); // [B·N_max, ΣN]
    const mask = tf.tensor2d(maskData, [batch.numBags, maxSize]); // [B, N_max]
    let values = tf.reshape(tf.matMul(p, batch.instances), [batch.numBags, maxSize, dim]) as tf.Tensor3D; // [B, N_max, D]
    if (padValue !== 0) {
      values = tf.add(values, tf.expandDims(tf.mul(tf.sub(1, mask), padValue), 2)); // [B, N_max, D]
    }
    return { values, mask };
  });
}

/**
 * Converts a padded batch to the ragged form, bag by bag (bag ids sorted), slots in increasing order.
 *
 * Reads `mask` synchronously (`dataSync`); `values` stays on the device and the gather is a matMul
 * (differentiable on every backend).
 *
 * @param padded - `values` [B, N_max, D] and `mask` [B, N_max] of 0/1 with at least one 1 per row; not disposed.
 * @returns A {@link RaggedBatch} whose `instances` [ΣN, D] is a new tensor owned by the caller.
 * @throws If shapes disagree, a mask value is not 0/1, or a bag has no instance.
 * @example
 * ```ts
 * const batch = paddedToRagged({ values, mask });
 * ```
 */
export function paddedToRagged(padded: PaddedBatch): RaggedBatch {
  const { values, mask } = padded;
  if (values.rank !== 3 || mask.rank !== 2) {
    throw new Error(
      `paddedToRagged: expected values [B, N_max, D] and mask [B, N_max], got [${values.shape.join(', ')}] and [${mask.shape.join(', ')}]`,
    );
  }
  const [numBags, maxSize, dim] = values.shape;
  if (mask.shape[0] !== numBags || mask.shape[1] !== maxSize) {
    throw new Error(`paddedToRagged: mask shape [${mask.shape.join(', ')}] does not match values [${values.shape.join(', ')}]`);
  }
  if (numBags === 0) {
    throw new Error('paddedToRagged: expected at least one bag, got 0');
  }
  const m = mask.dataSync();
  const bagSizes = new Int32Array(numBags);
  const positions: number[] = [];
  const ids: number[] = [];
  for (let b = 0; b < numBags; b++) {
    for (let s = 0; s < maxSize; s++) {
      const v = m[b * maxSize + s];
      if (v !== 0 && v !== 1) {
        throw new Error(`paddedToRagged: mask[${b}, ${s}] must be 0 or 1, got ${v}`);
      }
      if (v === 1) {
        positions.push(b * maxSize + s);
        ids.push(b);
        bagSizes[b] = (bagSizes[b] ?? 0) + 1;
      }
    }
    if (bagSizes[b] === 0) {
      throw new Error(`paddedToRagged: bag ${b} has no instance (mask row ${b} is all 0)`);
    }
  }
  const total = positions.length;
  const gather = new Float32Array(total * numBags * maxSize);
  positions.forEach((p, i) => {
    gather[i * numBags * maxSize + p] = 1;
  });
  const instances = tf.tidy(() => {
    const q = tf.tensor2d(gather, [total, numBags * maxSize]); // [ΣN, B·N_max]
    return tf.matMul(q, tf.reshape(values, [numBags * maxSize, dim])); // [ΣN, D]
  }) as tf.Tensor2D;
  return { instances, bagIds: Int32Array.from(ids), bagSizes, numBags };
}

/** True when `batch` is a {@link PaddedBatch} (has `values` and `mask`). */
export function isPaddedBatch(batch: RaggedBatch | PaddedBatch): batch is PaddedBatch {
  return 'mask' in batch && 'values' in batch;
}
