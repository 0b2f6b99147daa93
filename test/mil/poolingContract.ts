/**
 * The tests every parameter-free pooling must pass, against a plain-JS reference: values, padded form, single-
 * instance bags, one bag, unsorted ids and instance-order invariance (fast-check), gradients, no leaked tensors.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { BagBatch } from '../../src/mil/bagBatch.js';
import { raggedToPadded } from '../../src/mil/paddedBatch.js';
import { createRaggedBatch, raggedBatchFromIds } from '../../src/mil/raggedBatch.js';
import {
  bagsWithPermutation,
  checkGradient,
  expectClose,
  lossWeights,
  referencePool,
  separatedBags,
  shuffledRows,
  type Bags,
} from './milTestUtils.js';

export function poolingContract(pool: (batch: BagBatch) => tf.Tensor2D, reduce: (column: number[]) => number): void {
  const bags: Bags = [
    [
      [1, -2],
      [4, 0.5],
      [-3, 2],
    ],
    [[2, 7]],
    [
      [0, 1],
      [5, -1],
    ],
  ];

  it('matches the plain-JS reference on bags of different sizes', () => {
    const batch = createRaggedBatch(bags);
    const out = pool(batch);
    expect(out.shape).toEqual([3, 2]);
    expectClose(out.arraySync(), referencePool(bags, reduce));
    tf.dispose([out, batch.instances]);
  });

  it('gives the same result on the padded form', () => {
    const batch = createRaggedBatch(bags);
    const padded = raggedToPadded(batch, { padValue: 123 });
    const a = pool(batch);
    const b = pool(padded);
    expectClose(b.arraySync(), a.arraySync());
    tf.dispose([a, b, padded.values, padded.mask, batch.instances]);
  });

  it('returns the instance itself for single-instance bags', () => {
    const single: Bags = [[[3, -1]], [[0.5, 2]]];
    const batch = createRaggedBatch(single);
    const out = pool(batch);
    expectClose(out.arraySync(), [
      [3, -1],
      [0.5, 2],
    ]);
    tf.dispose([out, batch.instances]);
  });

  it('handles a batch of one bag', () => {
    const batch = createRaggedBatch([bags[0] ?? []]);
    const out = pool(batch);
    expect(out.shape).toEqual([1, 2]);
    expectClose(out.arraySync(), referencePool([bags[0] ?? []], reduce));
    tf.dispose([out, batch.instances]);
  });

  it('is invariant to instance order, with unsorted bag ids (property)', () => {
    fc.assert(
      fc.property(bagsWithPermutation, ({ bags: bs, order }) => {
        const { rows, ids } = shuffledRows(bs, order);
        const x = tf.tensor2d(rows);
        const out = pool(raggedBatchFromIds(x, ids, { numBags: bs.length }));
        expectClose(out.arraySync(), referencePool(bs, reduce));
        tf.dispose([out, x]);
      }),
      { numRuns: 30 },
    );
  });

  it('has gradients that match finite differences', () => {
    const x0 = separatedBags([3, 1, 4], 2);
    const ids = [0, 0, 0, 1, 2, 2, 2, 2];
    const w = lossWeights(3, 2);
    checkGradient((x) => tf.sum(tf.mul(pool(raggedBatchFromIds(x, ids)), w)), x0.flat());
    w.dispose();
  });

  it('has gradients that match finite differences with unsorted ids (non-contiguous bags)', () => {
    const x0 = separatedBags([8], 2, 3)[0] ?? [];
    const ids = [2, 0, 2, 1, 0, 2, 2, 0];
    const w = lossWeights(3, 2);
    checkGradient((x) => tf.sum(tf.mul(pool(raggedBatchFromIds(x, ids)), w)), x0);
    w.dispose();
  });

  it('leaks no tensor in forward and backward passes', () => {
    const sorted = createRaggedBatch(separatedBags([2, 3], 3));
    const unsorted = raggedBatchFromIds(sorted.instances, [1, 0, 1, 0, 1]);
    const before = tf.memory().numTensors;
    for (const batch of [sorted, unsorted]) {
      const out = pool(batch);
      out.dispose();
      const g = tf.grad((x: tf.Tensor) => tf.sum(pool({ ...batch, instances: x as tf.Tensor2D })))(batch.instances);
      g.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    sorted.instances.dispose();
  });
}
