import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';

/** Relative tolerance between backends: max |Δ| ≤ REL_TOL · max |reference| (float32 accumulations differ in order). */
export const REL_TOL = 1e-4;

/** Deterministic values in [-1, 1) from a 32-bit LCG (Numerical Recipes constants). */
export function seeded(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** Assert max |a − b| ≤ REL_TOL · max |b| (b is the CPU reference), with a readable message. */
export function expectClose(actual: ArrayLike<number>, reference: ArrayLike<number>, label: string): void {
  expect(actual.length, `${label}: length`).toBe(reference.length);
  let maxRef = 0;
  let maxDiff = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i]!;
    const a = actual[i]!;
    expect(Number.isFinite(a), `${label}[${i}] finite`).toBe(true);
    maxRef = Math.max(maxRef, Math.abs(r));
    maxDiff = Math.max(maxDiff, Math.abs(a - r));
  }
  expect(maxRef, `${label}: reference not all zero`).toBeGreaterThan(0);
  expect(maxDiff, `${label}: max |Δ| vs max |ref| = ${maxRef}`).toBeLessThanOrEqual(REL_TOL * maxRef);
}

/** Loss and gradients (w.r.t. the input and every parameter) of a small conv net, read back as arrays. */
export interface ConvNetResult {
  loss: number;
  grads: Record<string, Float32Array>;
}

/**
 * A small conv net on the active backend, forward + backward: conv2d(3→8, same) + bias → relu → depthwise 3×3 →
 * batch norm with batch moments → max pool 2 → conv2d(8→4, valid, stride 2) → GELU (erf form) → avg pool →
 * dense → + gathered per-sample offsets (gather's gradient is UnsortedSegmentSum); loss = mean squared error.
 * Uses the gradient kernels of conv2d (input and filter), depthwise (input and filter), pooling, batch norm and gather.
 */
export async function convNetGradients(): Promise<ConvNetResult> {
  const before = tf.memory().numTensors;
  const params: Record<string, tf.Tensor> = {
    x: tf.tensor4d(seeded(2 * 12 * 12 * 3, 1), [2, 12, 12, 3]),
    w1: tf.tensor4d(seeded(3 * 3 * 3 * 8, 2), [3, 3, 3, 8]),
    b1: tf.tensor1d(seeded(8, 3)),
    dw: tf.tensor4d(seeded(3 * 3 * 8, 4), [3, 3, 8, 1]),
    gamma: tf.tensor1d(seeded(8, 5).map((v) => 1 + 0.5 * v)),
    beta: tf.tensor1d(seeded(8, 6)),
    w2: tf.tensor4d(seeded(3 * 3 * 8 * 4, 7), [3, 3, 8, 4]),
    wd: tf.tensor2d(seeded(4 * 3, 8), [4, 3]),
    table: tf.tensor2d(seeded(5 * 3, 9), [5, 3]),
  };
  const names = Object.keys(params);
  const target = tf.tensor2d(seeded(2 * 3, 10), [2, 3]);
  const index = tf.tensor1d([3, 1], 'int32');
  const f = (...args: tf.Tensor[]): tf.Scalar => {
    const p = Object.fromEntries(names.map((n, i) => [n, args[i]!])) as Record<string, tf.Tensor>;
    let h = tf.relu(tf.add(tf.conv2d(p['x'] as tf.Tensor4D, p['w1'] as tf.Tensor4D, 1, 'same'), p['b1']!)); // [2, 12, 12, 8]
    h = tf.depthwiseConv2d(h as tf.Tensor4D, p['dw'] as tf.Tensor4D, 1, 'same'); // [2, 12, 12, 8]
    const { mean, variance } = tf.moments(h, [0, 1, 2]);
    h = tf.batchNorm(h, mean, variance, p['beta']!, p['gamma']!, 1e-3);
    h = tf.maxPool(h as tf.Tensor4D, 2, 2, 'valid'); // [2, 6, 6, 8]
    h = tf.conv2d(h as tf.Tensor4D, p['w2'] as tf.Tensor4D, 2, 'valid'); // [2, 2, 2, 4]
    h = tf.mul(tf.mul(h, 0.5), tf.add(1, tf.erf(tf.div(h, Math.SQRT2)))); // GELU
    h = tf.avgPool(h as tf.Tensor4D, 2, 2, 'valid').reshape([2, 4]); // [2, 4]
    const out = tf.add(tf.matMul(h as tf.Tensor2D, p['wd'] as tf.Tensor2D), tf.gather(p['table']!, index)); // [2, 3]
    return tf.mean(tf.square(tf.sub(out, target)));
  };
  const { value, grads } = tf.valueAndGrads(f)(names.map((n) => params[n]!));
  const result: ConvNetResult = { loss: (await value.data())[0]!, grads: {} };
  for (let i = 0; i < names.length; i++) result.grads[names[i]!] = (await grads[i]!.data()) as Float32Array;
  tf.dispose([value, ...grads, ...Object.values(params), target, index]);
  expect(tf.memory().numTensors, 'convNetGradients leaks no tensor').toBe(before);
  return result;
}

/**
 * Two Adam steps of a dense net (8 → 16 relu → 1 sigmoid, binary cross-entropy) with tf.layers on the active backend,
 * from fixed weights and data; returns the trained weights, flattened per variable.
 */
export async function denseTrainingStep(): Promise<Float32Array[]> {
  const before = tf.memory().numTensors;
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [8], units: 16, activation: 'relu' }),
      tf.layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
  });
  const initial = [
    tf.tensor2d(seeded(8 * 16, 21), [8, 16]),
    tf.tensor1d(seeded(16, 22)),
    tf.tensor2d(seeded(16, 23), [16, 1]),
    tf.tensor1d([0.1]),
  ];
  model.setWeights(initial); // copies
  tf.dispose(initial);
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy' });
  const x = tf.tensor2d(seeded(32 * 8, 24), [32, 8]);
  const y = tf.tensor2d(Array.from(seeded(32, 25), (v) => (v > 0 ? 1 : 0)), [32, 1]);
  await model.trainOnBatch(x, y);
  await model.trainOnBatch(x, y);
  const weights = await Promise.all(model.getWeights().map(async (w) => (await w.data()) as Float32Array));
  model.optimizer.dispose();
  model.dispose();
  tf.dispose([x, y]);
  expect(tf.memory().numTensors, 'denseTrainingStep leaks no tensor').toBe(before);
  return weights;
}
