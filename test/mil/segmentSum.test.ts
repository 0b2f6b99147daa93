import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { segmentSum } from '../../src/mil/segmentSum.js';
import { checkGradient, expectClose, lossWeights, useCpuBackend } from './milTestUtils.js';

beforeAll(useCpuBackend);

const segs = (ids: number[], numBags: number) => ({
  bagIds: Int32Array.from(ids),
  bagSizes: Int32Array.from({ length: numBags }, (_, b) => ids.filter((i) => i === b).length),
  numBags,
});

describe('segmentSum', () => {
  // Same bags in three layouts: sorted, contiguous in another bag order, split (general path).
  const layouts = [
    { ids: [0, 0, 1, 2, 2, 2], rows: [0, 1, 2, 3, 4, 5] },
    { ids: [2, 2, 2, 0, 0, 1], rows: [3, 4, 5, 0, 1, 2] },
    { ids: [2, 0, 2, 1, 0, 2], rows: [3, 0, 4, 2, 1, 5] },
  ];
  const values = [
    [1, 2],
    [3, 4],
    [5, 6],
    [7, 8],
    [9, 10],
    [11, 12],
  ];

  it('sums and averages [ΣN, D] and [ΣN] values per bag in every layout', () => {
    for (const { ids, rows } of layouts) {
      const x = tf.tensor2d(rows.map((r) => values[r] ?? []));
      const s = segmentSum(x, segs(ids, 3));
      const m = segmentSum(x, segs(ids, 3), { mean: true });
      const v = segmentSum(tf.tensor1d(rows), segs(ids, 3));
      expectClose(s.arraySync(), [
        [4, 6],
        [5, 6],
        [27, 30],
      ]);
      expectClose(m.arraySync(), [
        [2, 3],
        [5, 6],
        [9, 10],
      ]);
      expectClose(v.arraySync(), [1, 2, 12]);
      tf.dispose([x, s, m, v]);
    }
  });

  it('has gradients that match finite differences in every layout, and leaks nothing', () => {
    const w = lossWeights(3, 2);
    const before = tf.memory().numTensors;
    for (const { ids } of layouts) {
      checkGradient((x) => tf.sum(tf.mul(tf.square(segmentSum(x, segs(ids, 3), { mean: true })), w)), values.map((r) => r.map((v) => v / 10)));
    }
    expect(tf.memory().numTensors).toBe(before);
    w.dispose();
  });

  it('rejects a length mismatch', () => {
    const x = tf.tensor1d([1, 2]);
    expect(() => segmentSum(x, segs([0, 0, 0], 1))).toThrow('segmentSum: values must be one row per bag id (3), got shape [2');
    x.dispose();
  });
});
