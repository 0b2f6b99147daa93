import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bagToInstances } from '../../src/mil/bagToInstances.js';
import { checkGradient, expectClose, lossWeights, useCpuBackend } from './milTestUtils.js';

beforeAll(useCpuBackend);

const segs = (ids: number[], numBags: number) => ({
  bagIds: Int32Array.from(ids),
  bagSizes: Int32Array.from({ length: numBags }, (_, b) => ids.filter((i) => i === b).length),
  numBags,
});

describe('bagToInstances', () => {
  const layouts = [
    [0, 0, 1, 2, 2],
    [2, 2, 0, 0, 1],
    [2, 0, 1, 0, 2],
  ];

  it('copies bag values to their instances in every layout', () => {
    const y = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const y1 = tf.tensor1d([10, 20, 30]);
    for (const ids of layouts) {
      const x = bagToInstances(y, segs(ids, 3));
      const x1 = bagToInstances(y1, segs(ids, 3));
      expectClose(x.arraySync(), ids.map((b) => [2 * b + 1, 2 * b + 2]));
      expectClose(x1.arraySync(), ids.map((b) => 10 * (b + 1)));
      tf.dispose([x, x1]);
    }
    tf.dispose([y, y1]);
  });

  it('has gradients that match finite differences, and leaks nothing', () => {
    const w = lossWeights(5, 2);
    const before = tf.memory().numTensors;
    for (const ids of layouts) {
      checkGradient((y) => tf.sum(tf.mul(tf.square(bagToInstances(y, segs(ids, 3))), w)), [
        [0.1, 0.2],
        [0.3, -0.4],
        [0.5, 0.6],
      ]);
    }
    expect(tf.memory().numTensors).toBe(before);
    w.dispose();
  });

  it('rejects bag values whose length is not B', () => {
    const y = tf.tensor1d([1, 2]);
    expect(() => bagToInstances(y, segs([0, 1, 2], 3))).toThrow('bagToInstances: bagValues must be a tensor [3] or [3, D] (one row per bag), got shape [2] float32');
    y.dispose();
  });
});
