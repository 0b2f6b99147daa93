import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { multitaskLoss } from '../../../src/training/losses/multitaskLoss.js';

describe('multitaskLoss', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('is classification + λ·regression (λ defaults to 1)', () => {
    const c = tf.scalar(0.7);
    const r = tf.scalar(0.4);
    expect(multitaskLoss({ classification: c, regression: r }).dataSync()[0]).toBeCloseTo(1.1, 6);
    expect(multitaskLoss({ classification: c, regression: r }, { lambda: 0.5 }).dataSync()[0]).toBeCloseTo(0.9, 6);
    expect(multitaskLoss({ classification: c, regression: r }, { lambda: 0 }).dataSync()[0]).toBeCloseTo(0.7, 6);
    tf.disposeVariables();
  });

  it('passes gradients to both terms, the regression one scaled by λ', () => {
    const grads = tf.tidy(() =>
      tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        multitaskLoss({ classification: tf.sum(tf.square(a)), regression: tf.sum(b) }, { lambda: 3 }),
      )([tf.scalar(2), tf.scalar(5)]).map((g) => g.dataSync()[0]),
    );
    expect(grads).toEqual([4, 3]);
  });

  it('rejects non-scalar terms and negative or non-finite λ', () => {
    const s = tf.scalar(1);
    const v = tf.tensor1d([1, 2]);
    expect(() => multitaskLoss({ classification: v as unknown as tf.Scalar, regression: s })).toThrow(
      /multitaskLoss: expected classification to be a scalar, got shape \[2\]/,
    );
    expect(() => multitaskLoss({ classification: s, regression: s }, { lambda: -1 })).toThrow('multitaskLoss: lambda must be a finite number ≥ 0, got -1');
    expect(() => multitaskLoss({ classification: s, regression: s }, { lambda: Infinity })).toThrow(/got Infinity/);
    tf.dispose([s, v]);
  });

  it('does not leak tensors', () => {
    const c = tf.scalar(0.7);
    const r = tf.scalar(0.4);
    const before = tf.memory().numTensors;
    multitaskLoss({ classification: c, regression: r }, { lambda: 2 }).dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([c, r]);
  });
});
