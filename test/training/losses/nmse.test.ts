import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { nmse } from '../../../src/training/losses/nmse.js';

const F32 = 1e-3;
const y = [2, 4, 4, 4, 5, 5, 7, 9]; // mean 5, population variance 4
const yHat = [3, 4, 2, 4, 5, 6, 7, 8]; // squared errors 1,0,4,0,0,1,0,1 -> MSE 7/8

describe('nmse', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('is MSE / batch population variance by default (hand-computed)', () => {
    const v = tf.tidy(() => nmse(tf.tensor1d(y), tf.tensor1d(yHat)).dataSync()[0]);
    expect(v).toBeCloseTo(7 / 8 / 4, 6);
  });

  it('uses the variance passed in (fitted on training data)', () => {
    const v = tf.tidy(() => nmse(tf.tensor1d(y), tf.tensor1d(yHat), { variance: 2 }).dataSync()[0]);
    expect(v).toBeCloseTo(7 / 8 / 2, 6);
  });

  it('the constant prediction ȳ scores 1', () => {
    const v = tf.tidy(() => nmse(tf.tensor1d(y), tf.fill([8], 5)).dataSync()[0]);
    expect(v).toBeCloseTo(1, 6);
  });

  it('constant batch / batch of one: finite, MSE / minVariance', () => {
    const v = tf.tidy(() => nmse(tf.tensor1d([3]), tf.tensor1d([3.5]), { minVariance: 0.25 }).dataSync()[0]);
    expect(v).toBeCloseTo(1, 6);
    const w = tf.tidy(() => nmse(tf.tensor1d([3, 3]), tf.tensor1d([3, 3])).dataSync()[0]);
    expect(w).toBe(0);
  });

  it('gradient 2(ŷ − y) / (N·Var) agrees with finite differences', () => {
    const grad = tf.tidy(() => tf.grad((p: tf.Tensor) => nmse(tf.tensor1d(y), p, { variance: 4 }))(tf.tensor1d(yHat)).arraySync()) as number[];
    const ref = (p: number[]): number => p.reduce((s, pi, i) => s + (pi - (y[i] as number)) ** 2, 0) / p.length / 4;
    const h = 1e-6;
    grad.forEach((g, i) => {
      const plus = [...yHat];
      const minus = [...yHat];
      plus[i] = (plus[i] as number) + h;
      minus[i] = (minus[i] as number) - h;
      expect(Math.abs(g - (ref(plus) - ref(minus)) / (2 * h))).toBeLessThan(F32);
    });
  });

  it('rejects shape mismatch, empty input and invalid variances', () => {
    const a = tf.tensor1d([1, 2]);
    const b = tf.tensor1d([1, 2, 3]);
    const e = tf.tensor1d([]);
    expect(() => nmse(a, b)).toThrow(/nmse: targets shape \[2\] differs from predictions shape \[3\]/);
    expect(() => nmse(e, e)).toThrow(/nmse: expected at least one target/);
    expect(() => nmse(a, a, { variance: 0 })).toThrow('nmse: variance must be a finite number > 0, got 0');
    expect(() => nmse(a, a, { minVariance: Number.NaN })).toThrow('nmse: minVariance must be a finite number > 0, got NaN');
    tf.dispose([a, b, e]);
  });

  it('does not leak tensors', () => {
    const a = tf.tensor1d(y);
    const b = tf.tensor1d(yHat);
    const before = tf.memory().numTensors;
    nmse(a, b).dispose();
    nmse(a, b, { variance: 3 }).dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b]);
  });
});
