import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MixtureGate } from '../../src/models/index.js';
import { FLOAT32_TOLERANCE, maxGradientError, useCpu } from './modelTestUtils.js';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

describe('MixtureGate', () => {
  beforeAll(useCpu);
  const controls = (): tf.Tensor2D => tf.tensor2d([[0.5, -1, 2], [0, 0.3, -0.7], [1.5, 1, 0]]);
  const logits = (): tf.Tensor2D => tf.tensor2d([[2, -1], [-3, 0.5], [0, 4]]);
  let gate: MixtureGate;
  beforeAll(() => {
    gate = new MixtureGate({ mode: 'sigmoid', seed: 3 });
  });
  afterAll(() => gate.dispose());

  it('mixes probabilities: p = π σ(ℓ₁) + (1 − π) σ(ℓ₂), π = σ(wᵀg + b)', () => {
    const g = controls();
    const l = logits();
    const { logit, weights } = gate.mix(g, l);
    const [kernel, bias] = gate.getWeights().map((w) => w.dataSync());
    const gRows = g.arraySync();
    const lRows = l.arraySync();
    const out = logit.dataSync();
    const w = weights.arraySync();
    gRows.forEach((row, b) => {
      const s = row.reduce((acc, v, j) => acc + v * (kernel?.[j] as number), bias?.[0] as number);
      const pi = sigmoid(s);
      const [l1, l2] = lRows[b] as [number, number];
      const p = pi * sigmoid(l1) + (1 - pi) * sigmoid(l2);
      expect(sigmoid(out[b] as number)).toBeCloseTo(p, 5);
      expect(w[b]?.[0]).toBeCloseTo(pi, 5);
      expect((w[b]?.[0] as number) + (w[b]?.[1] as number)).toBeCloseTo(1, 6);
    });
    tf.dispose([g, l, logit, weights]);
  });

  it('stays finite for extreme expert logits (log-space mixing)', () => {
    const g = controls();
    const l = tf.tensor2d([[80, 90], [-80, -90], [80, -90]]);
    const { logit, weights } = gate.mix(g, l);
    const out = Array.from(logit.dataSync());
    expect(out.every(Number.isFinite)).toBe(true);
    expect(out[0]).toBeGreaterThan(50);
    expect(out[1]).toBeLessThan(-50);
    tf.dispose([g, l, logit, weights]);
  });

  it('softmax mode weights E experts and sums to 1', () => {
    const softmax = new MixtureGate({ mode: 'softmax', experts: 3, seed: 1 });
    const g = controls();
    const l = tf.tensor2d([[1, 2, 3], [0, 0, 0], [-1, 5, 2]]);
    const { logit, weights } = softmax.mix(g, l);
    const sums = tf.sum(weights, 1).dataSync();
    sums.forEach((s) => expect(s).toBeCloseTo(1, 5));
    // equal expert logits: the mixture is that expert's probability whatever π
    expect(logit.dataSync()[1]).toBeCloseTo(0, 5);
    tf.dispose([g, l, logit, weights]);
    softmax.dispose();
  });

  it('gradients match finite differences (inputs, logits and kernel)', () => {
    const g = controls();
    const l = logits();
    const z = tf.tensor1d([1, 0, 1]);
    const lossOf = (controlsIn: tf.Tensor, logitsIn: tf.Tensor): tf.Scalar =>
      tf.tidy(() => {
        const [out] = gate.apply([controlsIn, logitsIn]) as tf.Tensor[];
        return tf.sum(tf.mul(out as tf.Tensor, tf.add(z, 0.3))) as tf.Scalar;
      });
    expect(maxGradientError((x) => lossOf(x, l), g)).toBeLessThan(5e-3);
    expect(maxGradientError((x) => lossOf(g, x), l)).toBeLessThan(5e-3);
    const kernel = tf.clone(gate.getWeights()[0] as tf.Tensor);
    const bias = tf.clone(gate.getWeights()[1] as tf.Tensor);
    const withKernel = (k: tf.Tensor): tf.Scalar =>
      tf.tidy(() => {
        const scores = tf.add(tf.matMul(g, k as tf.Tensor2D), bias);
        const logW = tf.logSoftmax(tf.concat([scores, tf.zerosLike(scores)], 1), 1);
        const logP = tf.logSumExp(tf.add(logW, tf.log(tf.sigmoid(l))), 1);
        const logQ = tf.logSumExp(tf.add(logW, tf.log(tf.sigmoid(tf.neg(l)))), 1);
        return tf.sum(tf.mul(tf.sub(logP, logQ), tf.add(z, 0.3))) as tf.Scalar;
      });
    // the layer's own variable gradient agrees with the same formula differentiated numerically
    const { grads } = tf.variableGrads(() => lossOf(g, l), gate.trainableWeights.map((w) => w.read() as tf.Variable));
    const layerKernelGrad = Object.values(grads)[0] as tf.Tensor;
    const formulaGrad = tf.grad(withKernel)(kernel);
    expect(tf.max(tf.abs(tf.sub(layerKernelGrad, formulaGrad))).dataSync()[0]).toBeLessThan(FLOAT32_TOLERANCE);
    expect(maxGradientError(withKernel, kernel)).toBeLessThan(5e-3);
    tf.dispose([g, l, z, kernel, bias, formulaGrad, ...Object.values(grads)]);
  });

  it('serialises its config and rejects bad arguments', () => {
    expect(gate.getConfig()).toMatchObject({ mode: 'sigmoid', experts: 2, seed: 3 });
    expect(MixtureGate.className).toBe('LymphomixMixtureGate');
    expect(() => new MixtureGate({ mode: 'sigmoid', experts: 3 })).toThrow('MixtureGate: experts must be an integer ≥ 2 and ≤ 2, got 3');
    expect(() => new MixtureGate({ mode: 'tanh' as never })).toThrow('MixtureGate: mode must be one of "sigmoid", "softmax", got "tanh"');
  });

  it('leaks no tensor', () => {
    const g = controls();
    const l = logits();
    const before = tf.memory().numTensors;
    const out = gate.mix(g, l);
    tf.dispose([out.logit, out.weights]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([g, l]);
  });
});
