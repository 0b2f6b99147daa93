import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GradientAccumulator } from '../../../src/training/optimizers/gradientAccumulator.js';

describe('GradientAccumulator', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  afterEach(() => {
    tf.disposeVariables();
  });

  it('applies the mean of k micro-batch gradients once every k calls', () => {
    const w = tf.variable(tf.tensor1d([1, 1]));
    const accumulator = new GradientAccumulator(tf.train.sgd(0.5), { steps: 3 });
    const grads = [
      [1, 2],
      [3, 4],
      [5, -3],
    ].map((g) => tf.tensor1d(g));
    expect(accumulator.accumulate({ [w.name]: grads[0] as tf.Tensor })).toBe(false);
    expect(accumulator.accumulate({ [w.name]: grads[1] as tf.Tensor })).toBe(false);
    expect(accumulator.count).toBe(2);
    expect(Array.from(w.dataSync())).toEqual([1, 1]); // not stepped yet
    expect(accumulator.accumulate({ [w.name]: grads[2] as tf.Tensor })).toBe(true);
    // mean gradient (3, 1); SGD with η = 0.5: (1 − 1.5, 1 − 0.5)
    expect(Array.from(w.dataSync())).toEqual([-0.5, 0.5]);
    expect(accumulator.count).toBe(0);
    tf.dispose(grads);
    accumulator.dispose();
  });

  it('k micro-batches of a mean loss equal one full batch (SGD)', () => {
    const data = [0.5, -1, 2, 3, -0.5, 1];
    const loss = (w: tf.Variable, xs: number[]) => (): tf.Scalar =>
      tf.mean(tf.square(tf.sub(tf.mul(w, tf.tensor1d(xs)), 1))) as tf.Scalar;
    const wFull = tf.variable(tf.scalar(0.3));
    tf.train.sgd(0.1).minimize(loss(wFull, data));
    const wMicro = tf.variable(tf.scalar(0.3));
    const accumulator = new GradientAccumulator(tf.train.sgd(0.1), { steps: 3 });
    const applied: boolean[] = [];
    for (let i = 0; i < 3; i++) {
      const { value, applied: stepped } = accumulator.step(loss(wMicro, data.slice(2 * i, 2 * i + 2)), [wMicro]);
      value.dispose();
      applied.push(stepped);
    }
    expect(applied).toEqual([false, false, true]);
    expect(wMicro.dataSync()[0]).toBeCloseTo(wFull.dataSync()[0] as number, 6);
    accumulator.dispose();
  });

  it('flush applies a partial group; flush on nothing does nothing', () => {
    const w = tf.variable(tf.tensor1d([0]));
    const accumulator = new GradientAccumulator(tf.train.sgd(1), { steps: 4 });
    expect(accumulator.flush()).toBe(false);
    const g1 = tf.tensor1d([2]);
    const g2 = tf.tensor1d([4]);
    accumulator.accumulate({ [w.name]: g1 });
    accumulator.accumulate({ [w.name]: g2 });
    expect(accumulator.flush()).toBe(true);
    expect(w.dataSync()[0]).toBe(-3);
    tf.dispose([g1, g2]);
  });

  it('steps = 1 applies every gradient; a variable missing in a micro-batch counts as zero', () => {
    const a = tf.variable(tf.tensor1d([0]));
    const b = tf.variable(tf.tensor1d([0]));
    const g = tf.tensor1d([2]);
    const once = new GradientAccumulator(tf.train.sgd(1), { steps: 1 });
    expect(once.accumulate({ [a.name]: g })).toBe(true);
    expect(a.dataSync()[0]).toBe(-2);
    const twice = new GradientAccumulator(tf.train.sgd(1), { steps: 2 });
    twice.accumulate({ [a.name]: g, [b.name]: g });
    twice.accumulate({ [a.name]: g });
    expect(a.dataSync()[0]).toBe(-4);
    expect(b.dataSync()[0]).toBe(-1);
    g.dispose();
  });

  it('reset drops accumulated gradients without stepping', () => {
    const w = tf.variable(tf.tensor1d([0]));
    const g = tf.tensor1d([1]);
    const accumulator = new GradientAccumulator(tf.train.sgd(1), { steps: 2 });
    accumulator.accumulate({ [w.name]: g });
    accumulator.reset();
    accumulator.accumulate({ [w.name]: g });
    expect(w.dataSync()[0]).toBe(0);
    expect(accumulator.count).toBe(1);
    accumulator.dispose();
    g.dispose();
  });

  it('rejects invalid steps and gradients whose shape changes', () => {
    expect(() => new GradientAccumulator(tf.train.sgd(1), { steps: 0 })).toThrow('GradientAccumulator: steps must be an integer ≥ 1, got 0');
    expect(() => new GradientAccumulator(tf.train.sgd(1), { steps: 1.5 })).toThrow(/got 1.5/);
    const accumulator = new GradientAccumulator(tf.train.sgd(1), { steps: 3 });
    const g1 = tf.tensor1d([1, 2]);
    const g2 = tf.tensor1d([1, 2, 3]);
    accumulator.accumulate({ w: g1 });
    expect(() => accumulator.accumulate({ w: g2 })).toThrow(/gradient 'w' has shape \[3\], expected \[2\]/);
    accumulator.dispose();
    tf.dispose([g1, g2]);
  });

  it('does not leak tensors, also when called inside tf.tidy', () => {
    const w = tf.variable(tf.tensor1d([1, 2, 3]));
    const optimizer = tf.train.sgd(0.1);
    const accumulator = new GradientAccumulator(optimizer, { steps: 2 });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      tf.tidy(() => {
        accumulator.step(() => tf.sum(tf.square(w)) as tf.Scalar);
      });
    }
    expect(accumulator.count).toBe(1);
    expect(tf.memory().numTensors).toBe(before + 1); // the running sum
    accumulator.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
