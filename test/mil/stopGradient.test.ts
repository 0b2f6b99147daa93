import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { stopGradient } from '../../src/mil/stopGradient.js';
import { useCpuBackend } from './milTestUtils.js';

beforeAll(useCpuBackend);

describe('stopGradient', () => {
  it('is the identity forward and blocks the gradient', () => {
    const x = tf.tensor1d([1, 2, 3]);
    const y = stopGradient(x);
    expect(y.arraySync()).toEqual([1, 2, 3]);
    // d/dx [x·sg(x)] = sg(x) = x, not 2x.
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(t, stopGradient(t))))(x);
    expect(g.arraySync()).toEqual([1, 2, 3]);
    tf.dispose([x, y, g]);
  });

  it('allows ops without gradients (TopK) inside', () => {
    const x = tf.tensor1d([3, 1, 2]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(t, stopGradient(t, (v) => tf.topk(v, 3).values))))(x);
    expect(g.arraySync()).toEqual([3, 2, 1]);
    tf.dispose([x, g]);
  });
});
