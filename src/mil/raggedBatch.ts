import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkArray, checkInteger, checkNumber, checkThat } from '../core/index.js';

const FN = 'createRaggedBatch';
const FROM_IDS = 'raggedBatchFromIds';

/**
 * A batch of B bags of different sizes, packed without padding.
 *
 * Shape key: B = number of bags, N_b = instances in bag b, ΣN = N_0 + … + N_{B−1}, D = instance dimension.
 *
 * - `instances`: [ΣN, D] float32, the instance embeddings of all bags stacked.
 * - `bagIds`: [ΣN] int32 (host array), `bagIds[i]` is the bag of instance i, in [0, B). Ids need not be sorted:
 *   the instances of a bag may be anywhere in `instances`; within a bag, their order is the order of appearance.
 * - `bagSizes`: [B] int32 (host array), N_b ≥ 1 (empty bags are rejected when the batch is made).
 *
 * The bag structure lives on the host so that pooling builds its segment matrices without reading the device.
 * The caller owns `instances`: dispose it with {@link disposeRaggedBatch} (or `instances.dispose()`).
 */
export interface RaggedBatch {
  /** [ΣN, D] float32 instance embeddings. */
  readonly instances: tf.Tensor2D;
  /** [ΣN] int32 bag index of every instance, in [0, numBags). */
  readonly bagIds: Int32Array;
  /** [B] int32 number of instances of every bag (all ≥ 1). */
  readonly bagSizes: Int32Array;
  /** B, the number of bags (≥ 1). */
  readonly numBags: number;
}

/** The instances of one bag: a [N, D] tensor or N rows of D numbers. */
export type BagInstances = tf.Tensor2D | readonly (readonly number[])[];

/** Options of {@link raggedBatchFromIds}. */
export interface RaggedBatchFromIdsOptions {
  /** Number of bags B. Defaults to `max(bagIds) + 1`. Every bag in [0, B) must own at least one instance. */
  readonly numBags?: number;
}

function bagShape(bag: BagInstances, index: number): [number, number] {
  if (bag instanceof tf.Tensor) {
    checkThat(bag.rank === 2, FN, `bags[${index}]`, 'a rank-2 tensor [N, D]', bag);
    return [bag.shape[0], bag.shape[1]];
  }
  checkThat(Array.isArray(bag), FN, `bags[${index}]`, 'a tensor or an array of rows', bag);
  const rows = bag as readonly (readonly number[])[];
  const width = rows[0]?.length ?? 0;
  rows.forEach((row, r) => {
    checkThat(Array.isArray(row) && row.length === width, FN, `bags[${index}][${r}]`, `a row of ${width} numbers (as row 0)`, row);
    row.forEach((v, c) => checkNumber(FN, `bags[${index}][${r}][${c}]`, v));
  });
  return [rows.length, width];
}

/**
 * Packs per-bag instances into a {@link RaggedBatch} (bag b's instances are contiguous, bag ids sorted).
 *
 * @param bags - B ≥ 1 bags, each [N_b, D] with N_b ≥ 1 and the same D ≥ 1 (tensors or nested arrays).
 *   Input tensors are not disposed.
 * @returns A batch whose `instances` [ΣN, D] float32 is a new tensor owned by the caller.
 * @throws If there is no bag, a bag is empty, a bag is not 2-D, dimensions differ or a value is not finite.
 * @example
 * ```ts
 * const batch = createRaggedBatch([[[1, 2], [3, 4]], [[5, 6]]]); // B = 2, ΣN = 3, D = 2
 * batch.bagIds; // Int32Array [0, 0, 1]
 * disposeRaggedBatch(batch);
 * ```
 */
export function createRaggedBatch(bags: readonly BagInstances[]): RaggedBatch {
  checkArray(FN, 'bags', bags, { minLength: 1 });
  const shapes = bags.map((bag, i) => bagShape(bag, i));
  const dim = shapes[0]?.[1] ?? 0;
  shapes.forEach(([n, d], i) => {
    checkThat(n > 0, FN, `bags[${i}]`, 'a bag with at least one instance', 'an empty bag');
    checkThat(d === dim, FN, `bags[${i}]`, `a bag of dimension ${dim} (that of bag 0)`, `dimension ${d}`);
  });
  checkThat(dim > 0, FN, 'bags', 'bags of dimension D ≥ 1', 'dimension 0');
  const bagSizes = Int32Array.from(shapes, ([n]) => n);
  const total = bagSizes.reduce((a, b) => a + b, 0);
  const bagIds = new Int32Array(total);
  let offset = 0;
  bagSizes.forEach((n, b) => {
    bagIds.fill(b, offset, offset + n);
    offset += n;
  });
  const instances = tf.tidy(() =>
    tf.concat(
      bags.map((bag) =>
        bag instanceof tf.Tensor ? tf.cast(bag, 'float32') : tf.tensor2d(bag as number[][], undefined, 'float32'),
      ),
      0,
    ),
  ) as tf.Tensor2D; // [ΣN, D]
  return { instances, bagIds, bagSizes, numBags: bags.length };
}

/**
 * Wraps already packed instances and their bag ids as a {@link RaggedBatch}.
 *
 * @param instances - [ΣN, D] tensor (not copied: the batch references it, the caller keeps owning it).
 * @param bagIds - [ΣN] integer bag ids in [0, B), in any order (host array or int32 tensor, read synchronously).
 * @param options - See {@link RaggedBatchFromIdsOptions}.
 * @throws If shapes disagree, an id is not an integer or out of range, or a bag in [0, B) has no instance.
 * @example
 * ```ts
 * const x = tf.tensor2d([[1], [2], [3]]);
 * const batch = raggedBatchFromIds(x, [1, 0, 1]); // bag 0 = {2}, bag 1 = {1, 3}
 * ```
 */
export function raggedBatchFromIds(
  instances: tf.Tensor2D,
  bagIds: Int32Array | readonly number[] | tf.Tensor1D,
  options: RaggedBatchFromIdsOptions = {},
): RaggedBatch {
  if (!(instances instanceof tf.Tensor) || instances.rank !== 2) {
    throw new ArgumentError(FROM_IDS, 'instances', 'a rank-2 tensor [ΣN, D]', instances);
  }
  const ids = bagIds instanceof tf.Tensor ? Array.from(bagIds.dataSync()) : Array.from(bagIds);
  checkThat(!(bagIds instanceof tf.Tensor) || bagIds.rank === 1, FROM_IDS, 'bagIds', 'rank 1', bagIds);
  checkThat(ids.length === instances.shape[0], FROM_IDS, 'bagIds', `one id per instance (${instances.shape[0]})`, bagIds);
  checkThat(ids.length > 0, FROM_IDS, 'instances', 'a tensor with at least one instance', instances);
  checkThat(instances.shape[1] > 0, FROM_IDS, 'instances', 'a tensor [ΣN, D] with D ≥ 1', instances);
  ids.forEach((id, i) => checkInteger(FROM_IDS, `bagIds[${i}]`, id, { min: 0 }));
  const maxId = ids.reduce((a, b) => Math.max(a, b), 0);
  const numBags = checkInteger(FROM_IDS, 'options.numBags', options.numBags ?? maxId + 1, { min: 1 });
  if (maxId >= numBags) throw new ArgumentError(FROM_IDS, 'bagIds', `ids in [0, ${numBags}) (options.numBags)`, maxId);
  const bagSizes = new Int32Array(numBags);
  for (const id of ids) bagSizes[id] = (bagSizes[id] ?? 0) + 1;
  const empty = bagSizes.indexOf(0);
  if (empty >= 0) {
    throw new ArgumentError(FROM_IDS, 'bagIds', `ids that give every bag in [0, ${numBags}) an instance`, `bag ${empty} has none`);
  }
  return { instances, bagIds: Int32Array.from(ids), bagSizes, numBags };
}

/** Disposes the tensor of a {@link RaggedBatch} (its host arrays need no disposal). */
export function disposeRaggedBatch(batch: RaggedBatch): void {
  batch.instances.dispose();
}
