import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { isPaddedBatch, paddedToRagged, raggedToPadded } from '../../src/mil/paddedBatch.js';
import { createRaggedBatch, raggedBatchFromIds } from '../../src/mil/raggedBatch.js';
import { bagsWithPermutation, checkGradient, lossWeights, shuffledRows, useCpuBackend } from './milTestUtils.js';

beforeAll(useCpuBackend);

describe('raggedToPadded', () => {
  it('places bag b in slots 0…N_b−1 and pads the rest', () => {
    const batch = createRaggedBatch([[[1, 2]], [[3, 4], [5, 6], [7, 8]]]);
    const { values, mask } = raggedToPadded(batch, { padValue: -9 });
    expect(values.shape).toEqual([2, 3, 2]);
    expect(values.arraySync()).toEqual([
      [
        [1, 2],
        [-9, -9],
        [-9, -9],
      ],
      [
        [3, 4],
        [5, 6],
        [7, 8],
      ],
    ]);
    expect(mask.arraySync()).toEqual([
      [1, 0, 0],
      [1, 1, 1],
    ]);
    tf.dispose([values, mask, batch.instances]);
  });

  it('keeps the order of appearance with unsorted ids', () => {
    const x = tf.tensor2d([[1], [2], [3], [4]]);
    const { values, mask } = raggedToPadded(raggedBatchFromIds(x, [1, 0, 1, 0]));
    expect(values.arraySync()).toEqual([
      [[2], [4]],
      [[1], [3]],
    ]);
    expect(mask.arraySync()).toEqual([
      [1, 1],
      [1, 1],
    ]);
    tf.dispose([values, mask, x]);
  });

  it('rejects a non-finite pad value', () => {
    const batch = createRaggedBatch([[[1]]]);
    expect(() => raggedToPadded(batch, { padValue: Number.NaN })).toThrow('raggedToPadded: options.padValue must be a finite number, got NaN');
    batch.instances.dispose();
  });

  it('is differentiable (finite differences)', () => {
    const w = tf.tensor3d([
      [[1, 2], [3, 4]],
      [[5, 6], [7, 8]],
    ]);
    checkGradient((x) => {
      const { values } = raggedToPadded(raggedBatchFromIds(x, [1, 0, 1]));
      return tf.sum(tf.mul(tf.square(values), w));
    }, [
      [0.5, -1],
      [2, 0.25],
      [-1.5, 1],
    ]);
    w.dispose();
  });
});

describe('paddedToRagged', () => {
  it('round-trips any batch through the padded form (property)', () => {
    fc.assert(
      fc.property(bagsWithPermutation, ({ bags, order }) => {
        const { rows, ids } = shuffledRows(bags, order);
        const x = tf.tensor2d(rows);
        const padded = raggedToPadded(raggedBatchFromIds(x, ids, { numBags: bags.length }));
        expect(isPaddedBatch(padded)).toBe(true);
        const back = paddedToRagged(padded);
        expect(Array.from(back.bagSizes)).toEqual(bags.map((b) => b.length));
        expect(Array.from(back.bagIds)).toEqual(bags.flatMap((b, i) => b.map(() => i)));
        // Sorted by bag, each bag keeping its order of appearance in the shuffled rows.
        const expected = bags.flatMap((_, b) => rows.filter((_r, i) => ids[i] === b));
        expect(back.instances.arraySync()).toEqual(expected);
        tf.dispose([x, padded.values, padded.mask, back.instances]);
      }),
      { numRuns: 30 },
    );
  });

  it('accepts masks with holes', () => {
    const values = tf.tensor3d([[[1], [2], [3]]]);
    const mask = tf.tensor2d([[0, 1, 1]]);
    const r = paddedToRagged({ values, mask });
    expect(r.instances.arraySync()).toEqual([[2], [3]]);
    tf.dispose([values, mask, r.instances]);
  });

  it('rejects a bag with an all-zero mask row, non-binary masks and shape mismatches', () => {
    const values = tf.zeros([2, 2, 1]) as tf.Tensor3D;
    const zeroRow = tf.tensor2d([
      [1, 0],
      [0, 0],
    ]);
    const soft = tf.tensor2d([
      [1, 0.5],
      [1, 0],
    ]);
    const wrong = tf.ones([2, 3]) as tf.Tensor2D;
    expect(() => paddedToRagged({ values, mask: zeroRow })).toThrow('paddedToRagged: bag 1 has no instance');
    expect(() => paddedToRagged({ values, mask: soft })).toThrow('mask[0, 1] must be 0 or 1, got 0.5');
    expect(() => paddedToRagged({ values, mask: wrong })).toThrow('paddedToRagged: mask shape [2, 3] does not match');
    tf.dispose([values, zeroRow, soft, wrong]);
  });

  it('is differentiable and leaks nothing', () => {
    const mask = tf.tensor2d([
      [1, 0],
      [1, 1],
    ]);
    const w = lossWeights(3, 2);
    const before = tf.memory().numTensors;
    checkGradient(
      (x) => {
        const r = paddedToRagged({ values: tf.reshape(x, [2, 2, 2]) as tf.Tensor3D, mask });
        return tf.sum(tf.mul(tf.exp(r.instances), w));
      },
      [
        [0.1, 0.2],
        [9, 9],
        [0.3, -0.4],
        [0.5, 0.6],
      ],
    );
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([mask, w]);
  });
});
