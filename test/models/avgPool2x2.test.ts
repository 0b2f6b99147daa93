import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBackend } from '../../src/backend/index.js';
import { avgPool2x2, type AvgPool2x2Method } from '../../src/models/avgPool2x2.js';

beforeAll(async () => {
  await ensureBackend();
});

describe('avgPool2x2', () => {
  it('averages each 2×2 window, and its gradient spreads a quarter of dy over the window (both methods)', () => {
    // One image 2×4, one channel: windows [[1, 2], [5, 6]] and [[3, 4], [7, 8]].
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 4, 1]);
    for (const method of ['avgPool', 'mean'] as const) {
      const y = avgPool2x2(x, { method });
      expect(Array.from(y.dataSync())).toEqual([3.5, 5.5]);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(avgPool2x2(t as tf.Tensor4D, { method }), tf.tensor4d([4, -8], [1, 1, 2, 1]))))(x);
      expect(Array.from(g.dataSync())).toEqual([1, 1, -2, -2, 1, 1, -2, -2]);
      tf.dispose([y, g]);
    }
    x.dispose();
  });

  it('the avgPool method equals the reshape-and-mean method on random input: values to 1e-6, gradients exactly', () => {
    const x = tf.randomNormal([3, 6, 8, 5], 0, 1, 'float32', 1) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 4, 5], 0, 1, 'float32', 2);
    const run = (method: AvgPool2x2Method): { y: Float32Array; g: Float32Array } => {
      const y = avgPool2x2(x, { method });
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(avgPool2x2(t as tf.Tensor4D, { method }), w)))(x);
      const out = { y: y.dataSync() as Float32Array, g: g.dataSync() as Float32Array };
      tf.dispose([y, g]);
      return out;
    };
    const a = run('avgPool');
    const b = run('mean');
    expect(Math.max(...a.y.map((v, i) => Math.abs(v - b.y[i]!)))).toBeLessThan(1e-6);
    expect(Array.from(a.g)).toEqual(Array.from(b.g));
    tf.dispose([x, w]);
  });

  it('frees its intermediate tensors and refuses odd sizes and unknown methods, naming itself', () => {
    const x = tf.randomNormal([2, 4, 4, 3]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    for (const method of ['avgPool', 'mean'] as const) {
      avgPool2x2(x, { method }).dispose();
      tf.grad((t: tf.Tensor) => tf.sum(avgPool2x2(t as tf.Tensor4D, { method })))(x).dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    const odd = tf.zeros([1, 3, 4, 1]) as tf.Tensor4D;
    expect(() => avgPool2x2(odd)).toThrow(/avgPool2x2: expected x \[N, H, W, C\] with H and W even, got \[1, 3, 4, 1\]/);
    expect(() => avgPool2x2(x, { method: 'max' as AvgPool2x2Method })).toThrow(/avgPool2x2: options.method/);
    tf.dispose([x, odd]);
  });
});
