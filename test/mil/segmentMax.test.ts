import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { segmentMax } from '../../src/mil/segmentMax.js';
import { useCpuBackend } from './milTestUtils.js';

beforeAll(useCpuBackend);

describe('segmentMax', () => {
  const segments = { bagIds: Int32Array.of(1, 0, 1), bagSizes: Int32Array.of(1, 2), numBags: 2 };

  it('takes the per-bag max of [ΣN] values, all negative included', () => {
    const v = tf.tensor1d([-7, -3, -5]);
    const m = segmentMax(v, segments);
    expect(m.shape).toEqual([2]);
    expect(m.arraySync()).toEqual([-3, -5]);
    tf.dispose([v, m]);
  });

  it('takes the per-bag max of [ΣN, D] values', () => {
    const v = tf.tensor2d([
      [1, 9],
      [2, 2],
      [3, -1],
    ]);
    const m = segmentMax(v, segments);
    expect(m.arraySync()).toEqual([
      [2, 2],
      [3, 9],
    ]);
    tf.dispose([v, m]);
  });

  it('rejects a length mismatch and rank 3', () => {
    const v = tf.tensor1d([1, 2]);
    const v3 = tf.zeros([3, 1, 1]);
    expect(() => segmentMax(v, segments)).toThrow('segmentMax: values must be one row per bag id (3), got shape [2');
    expect(() => segmentMax(v3 as unknown as tf.Tensor2D, segments)).toThrow('segmentMax: values must be a tensor [ΣN] or [ΣN, D], got shape [');
    tf.dispose([v, v3]);
  });
});
