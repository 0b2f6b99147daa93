import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBackend, listCpuFallbackKernels } from '../../src/backend/index.js';
import { seededRandom } from '../../src/core/index.js';
import { conv3x3, type Conv3x3Method } from '../../src/models/conv3x3.js';

/** Tolerance of float32 tensors against each other and against the float64 reference. */
const TOL = 1e-4;

function randomArray(n: number, seed: number): Float64Array {
  const rng = seededRandom(seed);
  return Float64Array.from({ length: n }, () => rng.normal(0, 1));
}

/** Float64 reference: y = act(Σ x_pad[n, y+dy, x+dx, c] · K[(dy·3+dx)·C + c, c′] + b[c′]), 'same' zero padding. */
function referenceConv(x: Float64Array, [n, h, w, c]: number[], k: Float64Array, b: Float64Array, cOut: number, relu: boolean): Float64Array {
  const y = new Float64Array(n! * h! * w! * cOut);
  for (let i = 0; i < n!; i++)
    for (let r = 0; r < h!; r++)
      for (let s = 0; s < w!; s++)
        for (let o = 0; o < cOut; o++) {
          let sum = b[o]!;
          for (let dy = 0; dy < 3; dy++)
            for (let dx = 0; dx < 3; dx++) {
              const rr = r + dy - 1;
              const ss = s + dx - 1;
              if (rr < 0 || rr >= h! || ss < 0 || ss >= w!) continue;
              for (let ci = 0; ci < c!; ci++) sum += x[((i * h! + rr) * w! + ss) * c! + ci]! * k[((dy * 3 + dx) * c! + ci) * cOut + o]!;
            }
          y[((i * h! + r) * w! + s) * cOut + o] = relu ? Math.max(0, sum) : sum;
        }
  return y;
}

/** Central differences in float64 of L = Σ y ⊙ weights with respect to each entry of `param`. */
function numericalGradient(param: Float64Array, loss: () => number): Float64Array {
  const eps = 1e-6;
  return Float64Array.from(param, (v, i) => {
    param[i] = v + eps;
    const up = loss();
    param[i] = v - eps;
    const down = loss();
    param[i] = v;
    return (up - down) / (2 * eps);
  });
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

interface Case {
  shape: [number, number, number, number];
  cOut: number;
  relu: boolean;
  /** Defaults to wasm. */
  backend?: 'wasm' | 'cpu';
}

/** Value and the gradients of L = Σ y ⊙ weights (x, kernel, bias) by one method. */
function run(method: Conv3x3Method, xs: Float64Array, ks: Float64Array, bs: Float64Array, ws: Float64Array, { shape, cOut }: Case, relu: boolean) {
  const x = tf.tensor4d(Float32Array.from(xs), shape);
  const k = tf.tensor2d(Float32Array.from(ks), [9 * shape[3], cOut]);
  const b = tf.tensor1d(Float32Array.from(bs));
  const weights = tf.tensor4d(Float32Array.from(ws), [shape[0], shape[1], shape[2], cOut]);
  const f = (xi: tf.Tensor, ki: tf.Tensor, bi: tf.Tensor): tf.Scalar =>
    tf.sum(tf.mul(conv3x3(xi as tf.Tensor4D, ki as tf.Tensor2D, bi as tf.Tensor1D, { method, relu }), weights));
  const y = conv3x3(x, k, b, { method, relu });
  const grads = tf.grads(f)([x, k, b]);
  const out = { y: y.dataSync(), dx: grads[0]!.dataSync(), dk: grads[1]!.dataSync(), db: grads[2]!.dataSync() };
  tf.dispose([x, k, b, weights, y, ...grads]);
  return out;
}

beforeAll(async () => {
  await ensureBackend();
});

describe('conv3x3', () => {
  const cases: Case[] = [
    { shape: [2, 5, 4, 3], cOut: 4, relu: false },
    { shape: [3, 6, 6, 2], cOut: 3, relu: true },
    { shape: [1, 4, 7, 5], cOut: 2, relu: true },
  ];

  for (const [index, testCase] of [...cases, { ...cases[1]!, backend: 'cpu' } satisfies Case].entries()) {
    const { shape, cOut, relu } = testCase;
    const backend = testCase.backend ?? 'wasm';
    it(`matches a float64 reference and its numerical gradients, both methods (x [${shape.join(', ')}] → ${cOut}${relu ? ', ReLU' : ''}, ${backend})`, async () => {
      await tf.setBackend(backend);
      const size = shape.reduce((a, v) => a * v, 1);
      const xs = randomArray(size, 10 + index);
      const ks = randomArray(9 * shape[3] * cOut, 20 + index).map((v) => v * 0.3);
      const bs = randomArray(cOut, 30 + index).map((v) => v * 0.1);
      const ws = randomArray((size / shape[3]) * cOut, 40 + index);
      const loss = (): number => referenceConv(xs, shape, ks, bs, cOut, relu).reduce((a, v, i) => a + v * ws[i]!, 0);
      const expected = {
        y: referenceConv(xs, shape, ks, bs, cOut, relu),
        dx: numericalGradient(xs, loss),
        dk: numericalGradient(ks, loss),
        db: numericalGradient(bs, loss),
      };
      const results = { conv2d: run('conv2d', xs, ks, bs, ws, testCase, relu), im2col: run('im2col', xs, ks, bs, ws, testCase, relu) };
      for (const r of Object.values(results)) {
        for (const key of ['y', 'dx', 'dk', 'db'] as const) expect(maxAbsDiff(r[key], expected[key])).toBeLessThan(TOL);
      }
      for (const key of ['y', 'dx', 'dk', 'db'] as const) expect(maxAbsDiff(results.conv2d[key], results.im2col[key])).toBeLessThan(TOL);
      await tf.setBackend('wasm');
    });
  }

  it('without inputGradient: gradients flow to kernel and bias only, equal to the full gradient', () => {
    const x = tf.randomNormal([2, 6, 6, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const k = tf.randomNormal([27, 4], 0, 0.3, 'float32', 2) as tf.Tensor2D;
    const b = tf.randomNormal([4], 0, 0.1, 'float32', 3) as tf.Tensor1D;
    const withX = tf.grads((xi: tf.Tensor, ki: tf.Tensor, bi: tf.Tensor) => tf.sum(tf.square(conv3x3(xi as tf.Tensor4D, ki as tf.Tensor2D, bi as tf.Tensor1D, { relu: true }))))([x, k, b]);
    const withoutX = tf.grads((ki: tf.Tensor, bi: tf.Tensor) => tf.sum(tf.square(conv3x3(x, ki as tf.Tensor2D, bi as tf.Tensor1D, { relu: true, inputGradient: false }))))([k, b]);
    expect(maxAbsDiff(withoutX[0]!.dataSync(), withX[1]!.dataSync())).toBeLessThan(TOL);
    expect(maxAbsDiff(withoutX[1]!.dataSync(), withX[2]!.dataSync())).toBeLessThan(TOL);
    // x is a constant: asking for its gradient through the op gives none.
    expect(() => tf.grad((xi: tf.Tensor) => tf.sum(conv3x3(xi as tf.Tensor4D, k, b, { inputGradient: false })))(x)).toThrow();
    tf.dispose([x, k, b, ...withX, ...withoutX]);
  });

  it('runs native kernels only (no CPU fallback, no Conv2DBackpropFilter) in its gradient', async () => {
    const x = tf.randomNormal([2, 8, 8, 3]) as tf.Tensor4D;
    const k = tf.randomNormal([27, 4]) as tf.Tensor2D;
    const b = tf.zeros([4]) as tf.Tensor1D;
    const info = await tf.profile(() => {
      const g = tf.grads((xi: tf.Tensor, ki: tf.Tensor, bi: tf.Tensor) => tf.sum(conv3x3(xi as tf.Tensor4D, ki as tf.Tensor2D, bi as tf.Tensor1D, { relu: true })))([x, k, b]);
      tf.dispose(g);
    });
    const fallbacks = new Set(listCpuFallbackKernels(tf.getBackend()));
    expect(info.kernelNames.filter((name) => fallbacks.has(name) || name === 'Conv2DBackpropFilter')).toEqual([]);
    expect(info.kernelNames).toContain('FusedConv2D');
    tf.dispose([x, k, b]);
  });

  it('frees every intermediate tensor (forward, gradients, both methods), on success and on error', () => {
    const x = tf.randomNormal([2, 6, 6, 3]) as tf.Tensor4D;
    const k = tf.randomNormal([27, 4]) as tf.Tensor2D;
    const b = tf.zeros([4]) as tf.Tensor1D;
    const before = tf.memory().numTensors;
    for (const method of ['conv2d', 'im2col'] as const) {
      for (const inputGradient of [true, false]) {
        conv3x3(x, k, b, { method, relu: true, inputGradient }).dispose();
        const { value, grads } = tf.valueAndGrads((ki: tf.Tensor, bi: tf.Tensor) => tf.sum(conv3x3(x, ki as tf.Tensor2D, bi as tf.Tensor1D, { method, relu: true, inputGradient })))([k, b]);
        tf.dispose([value, ...grads]);
      }
    }
    const wrong = tf.zeros([26, 4]) as tf.Tensor2D;
    expect(() => conv3x3(x, wrong, b)).toThrow(/conv3x3: expected x \[N, H, W, C\], kernel \[9·C, C′\]/);
    expect(() => conv3x3(x, k, b, { method: 'fft' as Conv3x3Method })).toThrow(/conv3x3: options.method/);
    wrong.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, k, b]);
  });
});
