import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { poolInstancePredictions } from '../../src/mil/poolInstancePredictions.js';
import { raggedBatchFromIds } from '../../src/mil/raggedBatch.js';
import { checkGradient, expectClose, useCpuBackend } from './milTestUtils.js';

beforeAll(useCpuBackend);

describe('poolInstancePredictions', () => {
  // Bag 0 = {0.9, 0.1, 0.6, 0.2}, bag 1 = {0.3}; ids unsorted.
  const preds = [0.9, 0.3, 0.1, 0.6, 0.2];
  const ids = [0, 1, 0, 0, 0];
  const x = (): tf.Tensor2D => tf.zeros([5, 1]);

  it('pools [ΣN] probabilities by mean, max and top-k mean into [B]', () => {
    const h = x();
    const segments = raggedBatchFromIds(h, ids);
    const p = tf.tensor1d(preds);
    const cases: [Parameters<typeof poolInstancePredictions>[2], number[]][] = [
      [{}, [0.45, 0.3]],
      [{ method: 'max' }, [0.9, 0.3]],
      [{ method: 'topKMean', k: 2 }, [0.75, 0.3]],
      [{ method: 'topKMean' }, [(0.9 + 0.6 + 0.2) / 3, 0.3]],
    ];
    for (const [options, expected] of cases) {
      const out = poolInstancePredictions(p, segments, options);
      expect(out.shape).toEqual([2]);
      expectClose(out.arraySync(), expected);
      out.dispose();
    }
    tf.dispose([h, p]);
  });

  it('pools [ΣN, C] logits as probabilities with fromLogits', () => {
    const h = x();
    const segments = raggedBatchFromIds(h, ids);
    const logit = (q: number): number => Math.log(q / (1 - q));
    const p = tf.tensor2d(preds.map((q) => [logit(q), logit(1 - q)]));
    const out = poolInstancePredictions(p, segments, { method: 'mean', fromLogits: true });
    expect(out.shape).toEqual([2, 2]);
    expectClose(out.arraySync(), [
      [0.45, 0.55],
      [0.3, 0.7],
    ]);
    tf.dispose([h, p, out]);
  });

  it('has gradients that match finite differences, and leaks nothing', () => {
    const segments = { bagIds: Int32Array.of(0, 1, 0, 0), bagSizes: Int32Array.of(3, 1), numBags: 2 };
    const before = tf.memory().numTensors;
    checkGradient(
      (v) => tf.sum(tf.mul(poolInstancePredictions(v, segments, { method: 'topKMean', k: 2, fromLogits: true }), [1, 2])),
      [[0.4], [-1.2], [2.1], [-0.5]],
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a length mismatch, rank 3 and an unknown method', () => {
    const segments = { bagIds: Int32Array.of(0, 0), bagSizes: Int32Array.of(2), numBags: 1 };
    const p3 = tf.tensor1d([1, 2, 3]);
    const p2 = tf.tensor1d([1, 2]);
    const r3 = tf.zeros([2, 1, 1]);
    expect(() => poolInstancePredictions(p3, segments)).toThrow('poolInstancePredictions: predictions must be one row per bag id (2), got shape [3] float32');
    expect(() => poolInstancePredictions(r3 as unknown as tf.Tensor2D, segments)).toThrow('poolInstancePredictions: predictions must be a tensor [ΣN] or [ΣN, C], got shape [');
    expect(() => poolInstancePredictions(p2, segments, { method: 'median' as 'mean' })).toThrow(
      'poolInstancePredictions: options.method must be one of "mean", "max", "topKMean", got "median"',
    );
    tf.dispose([p3, p2, r3]);
  });
});
