import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { raggedBatchFromIds } from '../../src/mil/raggedBatch.js';
import { segmentSoftmax } from '../../src/mil/segmentSoftmax.js';
import { checkGradient, expectClose, FLOAT32_TOL, useCpuBackend } from './milTestUtils.js';

beforeAll(useCpuBackend);

describe('segmentSoftmax', () => {
  const segments = { bagIds: Int32Array.of(0, 0, 1), bagSizes: Int32Array.of(2, 1), numBags: 2 };

  it('computes the softmax within each bag (1 for a single-instance bag)', () => {
    const s = tf.tensor1d([0, Math.log(3), 7]);
    const a = segmentSoftmax(s, segments);
    expectClose(a.arraySync(), [0.25, 0.75, 1]);
    tf.dispose([s, a]);
  });

  it('does not overflow for large scores', () => {
    const s = tf.tensor1d([1000, 1000, -1000]);
    const a = segmentSoftmax(s, segments);
    expectClose(a.arraySync(), [0.5, 0.5, 1]);
    tf.dispose([s, a]);
  });

  it('sums to 1 per bag for any scores and unsorted ids (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.double({ min: -50, max: 50, noNaN: true })), {
          minLength: 1,
          maxLength: 12,
        }),
        (pairs) => {
          const used = [...new Set(pairs.map(([b]) => b))].sort();
          const ids = pairs.map(([b]) => used.indexOf(b));
          const x = tf.zeros([ids.length, 1]) as tf.Tensor2D;
          const batch = raggedBatchFromIds(x, ids);
          const s = tf.tensor1d(pairs.map(([, v]) => v));
          const a = segmentSoftmax(s, batch).arraySync();
          const sums = used.map((_, b) => a.reduce((acc, v, i) => acc + (ids[i] === b ? v : 0), 0));
          sums.forEach((v) => expect(Math.abs(v - 1)).toBeLessThan(FLOAT32_TOL));
          a.forEach((v) => expect(v).toBeGreaterThanOrEqual(0));
          tf.dispose([x, s]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('has gradients that match finite differences, and leaks nothing', () => {
    const w = tf.tensor1d([1, -2, 0.5, 3, 1]);
    const segs = { bagIds: Int32Array.of(1, 0, 1, 1, 0), bagSizes: Int32Array.of(2, 3), numBags: 2 };
    const before = tf.memory().numTensors;
    checkGradient((x) => tf.sum(tf.mul(segmentSoftmax(tf.squeeze(x, [1]) as tf.Tensor1D, segs), w)), [
      [0.3],
      [-0.2],
      [1.1],
      [0.4],
      [0.9],
    ]);
    expect(tf.memory().numTensors).toBe(before);
    w.dispose();
  });

  it('rejects a length mismatch', () => {
    const s = tf.tensor1d([1, 2]);
    expect(() => segmentSoftmax(s, segments)).toThrow('segmentSoftmax: scores must be one score per bag id (3), got shape [2] float32');
    s.dispose();
  });
});
