import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchNormInference, conv2dTorch, geluExact, layerNorm, linear } from '../../../src/models/backbones/backboneOps.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('backbone ops', () => {
  it('geluExact is the erf form (not tanh): Φ(1) = 0.8413447460685429', () => {
    const y = tf.tidy(() => Array.from(geluExact(tf.tensor1d([-1, 0, 1, 3])).dataSync()));
    // x·Φ(x), Φ from the standard normal table
    [-0.15865525393145707, 0, 0.8413447460685429, 2.995950309297303].forEach((v, i) => expect(y[i]).toBeCloseTo(v, 6));
  });

  it('layerNorm normalises the last axis with biased variance; a constant row gives the bias', () => {
    const y = tf.tidy(() =>
      Array.from(layerNorm(tf.tensor2d([[1, 2, 3], [5, 5, 5]]), tf.tensor1d([1, 1, 2]), tf.tensor1d([0, 0, 1]), 0).dataSync()),
    );
    const s = Math.sqrt(3 / 2); // 1 / √(2/3)
    [-s, 0, 2 * s + 1].forEach((v, i) => expect(y[i]).toBeCloseTo(v, 5));
    expect(Number.isNaN(y[3])).toBe(true); // eps 0 on a constant row: 0/0, which is why the backbones use eps > 0
    const z = tf.tidy(() => Array.from(layerNorm(tf.tensor2d([[5, 5, 5]]), tf.ones([3]), tf.tensor1d([0, 7, 0]), 1e-6).dataSync()));
    expect(z).toEqual([0, 7, 0]);
  });

  it('batchNormInference uses the running statistics', () => {
    const y = tf.tidy(() =>
      Array.from(batchNormInference(tf.tensor1d([3]), tf.tensor1d([2]), tf.tensor1d([1]), tf.tensor1d([1]), tf.tensor1d([4]), 0).dataSync()),
    );
    expect(y[0]).toBeCloseTo(((3 - 1) * 2) / 2 + 1, 6);
  });

  it('linear keeps leading axes; conv2dTorch pads symmetrically like PyTorch', () => {
    const out = tf.tidy(() => linear(tf.ones([2, 3, 4]), tf.ones([4, 5]), tf.fill([5], 1)).shape);
    expect(out).toEqual([2, 3, 5]);
    // 1×4×4×1 ones, 3×3 ones filter, stride 2, pad 1 → torch gives [[4, 6], [6, 9]]
    const c = tf.tidy(() => Array.from(conv2dTorch(tf.ones([1, 4, 4, 1]), tf.ones([3, 3, 1, 1]), null, 2, 1).dataSync()));
    expect(c).toEqual([4, 6, 6, 9]);
  });
});
