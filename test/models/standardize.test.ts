import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Standardize } from '../../src/models/index.js';
import { maxGradientError, useCpu } from './modelTestUtils.js';

describe('Standardize', () => {
  beforeAll(useCpu);

  it('adapts μ and the population σ, and standardises', () => {
    const layer = new Standardize({ units: 2 });
    layer.adapt(Float32Array.of(1, 10, 3, 30), 2);
    const y = layer.apply(tf.tensor2d([[2, 20], [3, 30]])) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual([0, 0, 1, 1]);
    y.dispose();
    layer.dispose();
  });

  it('maps a constant column to 0 (σ set to 1), not ±Infinity', () => {
    const layer = new Standardize({ units: 2 });
    layer.adapt([5, 1, 5, 2, 5, 3], 3);
    const y = layer.apply(tf.tensor2d([[5, 2]])) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual([0, 0]);
    y.dispose();
    layer.dispose();
  });

  it('is the identity before adapt, inverts with unstandardize, and its gradient is 1/σ', () => {
    const layer = new Standardize({ units: 3 });
    layer.setStatistics(Float32Array.of(1, 2, 3), Float32Array.of(2, 4, 0.5));
    const x = tf.tensor2d([[0.1, -2, 3], [4, 5, -6]]);
    expect(maxGradientError((t) => tf.sum(tf.square(layer.apply(t) as tf.Tensor)) as tf.Scalar, x)).toBeLessThan(5e-3);
    const back = tf.tidy(() => layer.unstandardize(tf.slice(layer.apply(x) as tf.Tensor2D, [0, 1], [-1, 1]), 1));
    expect(Array.from(back.dataSync())).toEqual([-2, 5]);
    tf.dispose([x, back]);
    layer.dispose();
  });

  it('rejects bad inputs naming the function', () => {
    const layer = new Standardize({ units: 2 });
    expect(() => layer.adapt([1, 2, 3], 2)).toThrow(/Standardize.adapt: expected 2 values per row/);
    expect(() => layer.adapt([1, Number.NaN], 1)).toThrow(/not finite/);
    expect(() => layer.setStatistics(Float32Array.of(0, 0), Float32Array.of(1, 0))).toThrow(/scale 1 must be finite and > 0/);
    expect(() => new Standardize({ units: 0 })).toThrow(/units must be an integer ≥ 1, got 0/);
    layer.dispose();
  });
});
