import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRaggedBatch, disposeRaggedBatch, raggedBatchFromIds } from '../../src/mil/raggedBatch.js';
import { useCpuBackend } from './milTestUtils.js';

beforeAll(useCpuBackend);

describe('createRaggedBatch', () => {
  it('packs bags of different sizes without padding, ids sorted', () => {
    const t = tf.tensor2d([[5, 6]]);
    const batch = createRaggedBatch([
      [
        [1, 2],
        [3, 4],
      ],
      t,
      [[7, 8]],
    ]);
    expect(batch.instances.shape).toEqual([4, 2]);
    expect(batch.instances.dtype).toBe('float32');
    expect(batch.instances.arraySync()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
    ]);
    expect(Array.from(batch.bagIds)).toEqual([0, 0, 1, 2]);
    expect(Array.from(batch.bagSizes)).toEqual([2, 1, 1]);
    expect(batch.numBags).toBe(3);
    expect(t.isDisposed).toBe(false);
    disposeRaggedBatch(batch);
    expect(batch.instances.isDisposed).toBe(true);
    t.dispose();
  });

  it('handles one bag of one instance', () => {
    const batch = createRaggedBatch([[[42]]]);
    expect(batch.instances.shape).toEqual([1, 1]);
    expect(Array.from(batch.bagSizes)).toEqual([1]);
    disposeRaggedBatch(batch);
  });

  it('rejects an empty list of bags', () => {
    expect(() => createRaggedBatch([])).toThrow('createRaggedBatch: bags must be an array with at least 1 element, got an array of 0');
  });

  it('rejects an empty bag, naming it', () => {
    expect(() => createRaggedBatch([[[1]], []])).toThrow('createRaggedBatch: bags[1] must be a bag with at least one instance, got "an empty bag"');
    const empty = tf.zeros([0, 2]) as tf.Tensor2D;
    expect(() => createRaggedBatch([empty])).toThrow('createRaggedBatch: bags[0] must be a bag with at least one instance');
    empty.dispose();
  });

  it('rejects mismatched dimensions, ragged rows, non-finite values and non-2-D tensors', () => {
    expect(() => createRaggedBatch([[[1, 2]], [[1]]])).toThrow('createRaggedBatch: bags[1] must be a bag of dimension 2 (that of bag 0), got "dimension 1"');
    expect(() => createRaggedBatch([[[1, 2], [3]]])).toThrow('createRaggedBatch: bags[0][1] must be a row of 2 numbers (as row 0), got an array of 1');
    expect(() => createRaggedBatch([[[1, Number.NaN]]])).toThrow('createRaggedBatch: bags[0][0][1] must be a finite number, got NaN');
    const t3 = tf.zeros([1, 2, 2]);
    expect(() => createRaggedBatch([t3 as unknown as tf.Tensor2D])).toThrow('createRaggedBatch: bags[0] must be a rank-2 tensor [N, D], got shape [');
    t3.dispose();
    expect(() => createRaggedBatch([[[]]])).toThrow('createRaggedBatch: bags must be bags of dimension D ≥ 1, got "dimension 0"');
  });

  it('leaks no tensor besides the returned instances', () => {
    const before = tf.memory().numTensors;
    const batch = createRaggedBatch([[[1]], [[2], [3]]]);
    expect(tf.memory().numTensors).toBe(before + 1);
    disposeRaggedBatch(batch);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('raggedBatchFromIds', () => {
  it('accepts unsorted ids from an array, Int32Array or tensor, without copying instances', () => {
    const x = tf.tensor2d([[1], [2], [3]]);
    const idsTensor = tf.tensor1d([1, 0, 1], 'int32');
    for (const ids of [[1, 0, 1], Int32Array.of(1, 0, 1), idsTensor as tf.Tensor1D]) {
      const batch = raggedBatchFromIds(x, ids);
      expect(batch.instances).toBe(x);
      expect(Array.from(batch.bagIds)).toEqual([1, 0, 1]);
      expect(Array.from(batch.bagSizes)).toEqual([1, 2]);
      expect(batch.numBags).toBe(2);
    }
    tf.dispose([x, idsTensor]);
  });

  it('rejects ids out of range, non-integers, negative ids and length mismatches', () => {
    const x = tf.tensor2d([[1], [2]]);
    expect(() => raggedBatchFromIds(x, [0, 2], { numBags: 2 })).toThrow('raggedBatchFromIds: bagIds must be ids in [0, 2) (options.numBags), got 2');
    expect(() => raggedBatchFromIds(x, [0, 0.5])).toThrow('raggedBatchFromIds: bagIds[1] must be an integer ≥ 0, got 0.5');
    expect(() => raggedBatchFromIds(x, [-1, 0])).toThrow('raggedBatchFromIds: bagIds[0] must be an integer ≥ 0, got -1');
    expect(() => raggedBatchFromIds(x, [0])).toThrow('raggedBatchFromIds: bagIds must be one id per instance (2), got an array of 1');
    expect(() => raggedBatchFromIds(x, [0, 0], { numBags: 0 })).toThrow('raggedBatchFromIds: options.numBags must be an integer ≥ 1, got 0');
    x.dispose();
  });

  it('rejects a bag without instances (a gap in the ids or numBags too large)', () => {
    const x = tf.tensor2d([[1], [2]]);
    expect(() => raggedBatchFromIds(x, [0, 2])).toThrow('raggedBatchFromIds: bagIds must be ids that give every bag in [0, 3) an instance, got "bag 1 has none"');
    expect(() => raggedBatchFromIds(x, [0, 1], { numBags: 3 })).toThrow('got "bag 2 has none"');
    x.dispose();
  });

  it('rejects an empty batch and non-2-D instances', () => {
    const empty = tf.zeros([0, 3]) as tf.Tensor2D;
    expect(() => raggedBatchFromIds(empty, [])).toThrow('raggedBatchFromIds: instances must be a tensor with at least one instance, got shape [0, ');
    const v = tf.zeros([3]);
    expect(() => raggedBatchFromIds(v as unknown as tf.Tensor2D, [0, 0, 0])).toThrow('raggedBatchFromIds: instances must be a rank-2 tensor [ΣN, D], got shape [3] float32');
    tf.dispose([empty, v]);
  });
});
