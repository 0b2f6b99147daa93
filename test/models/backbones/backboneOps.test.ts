import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  attention,
  batchNormInference,
  conv2dTorch,
  depthwiseConv2dTorch,
  geluExact,
  layerNorm,
  linear,
} from '../../../src/models/backbones/backboneOps.js';

/**
 * Independent reference: PyTorch `conv2d(x, w, b, padding=pad, groups=C)` by loops on NCHW semantics, input NHWC
 * [n, h, w, c], filter [k, k, c, m] → [n, h', w', c·m] (output channel c·m + j is input channel c, multiplier j).
 */
function depthwiseLoops(
  x: Float32Array,
  [n = 0, h = 0, w = 0, c = 0]: number[],
  f: Float32Array,
  k: number,
  m: number,
  bias: Float32Array | null,
  pad: number,
): Float32Array {
  const ho = h + 2 * pad - k + 1;
  const wo = w + 2 * pad - k + 1;
  const out = new Float32Array(n * ho * wo * c * m);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < ho; i++) {
      for (let j = 0; j < wo; j++) {
        for (let ch = 0; ch < c; ch++) {
          for (let q = 0; q < m; q++) {
            let acc = bias === null ? 0 : bias[ch * m + q]!;
            for (let u = 0; u < k; u++) {
              for (let v = 0; v < k; v++) {
                const yi = i + u - pad;
                const xj = j + v - pad;
                if (yi < 0 || yi >= h || xj < 0 || xj >= w) continue;
                acc += x[((b * h + yi) * w + xj) * c + ch]! * f[((u * k + v) * c + ch) * m + q]!;
              }
            }
            out[((b * ho + i) * wo + j) * c * m + ch * m + q] = acc;
          }
        }
      }
    }
  }
  return out;
}

/** max |a − b| and max |b|. */
function diffOf(a: ArrayLike<number>, b: ArrayLike<number>): { diff: number; scale: number } {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return { diff, scale };
}


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

  it('linear (fused bias) equals matMul + bias, with and without bias', () => {
    const x = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 3);
    const k = tf.randomNormal([4, 5], 0, 1, 'float32', 4);
    const b = tf.randomNormal([5], 0, 1, 'float32', 5);
    const [got, want, gotNoBias, wantNoBias] = tf.tidy(() => {
      const flat = tf.reshape(x, [6, 4]) as tf.Tensor2D;
      return [
        linear(x, k, b).dataSync(),
        tf.add(tf.matMul(flat, k as tf.Tensor2D), b).dataSync(),
        linear(x, k, null).dataSync(),
        tf.matMul(flat, k as tf.Tensor2D).dataSync(),
      ];
    });
    const { diff, scale } = diffOf(got!, want!);
    expect(diff).toBeLessThanOrEqual(1e-6 * scale);
    expect(Array.from(gotNoBias!)).toEqual(Array.from(wantNoBias!));
    tf.dispose([x, k, b]);
  });

  it('conv2dTorch fuses the bias: equals conv + bias', () => {
    const x = tf.randomNormal([1, 6, 6, 2], 0, 1, 'float32', 6);
    const f = tf.randomNormal([3, 3, 2, 4], 0, 1, 'float32', 7);
    const b = tf.tensor1d([1, -2, 3, 0.5]);
    const [got, want] = tf.tidy(() => [
      conv2dTorch(x, f, b, 2, 1).dataSync(),
      tf.add(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 2, 1), b).dataSync(),
    ]);
    const { diff, scale } = diffOf(got!, want!);
    expect(diff).toBeLessThanOrEqual(1e-6 * scale);
    tf.dispose([x, f, b]);
  });

  for (const [k, m] of [
    [7, 1],
    [5, 2],
    [9, 1],
  ] as const) {
    it(`depthwiseConv2dTorch ${k}x${k} (multiplier ${m}): direct and dilated 3x3 sum match loops, bias or not`, () => {
      const shape = [2, 9, 8, 3];
      const pad = (k - 1) / 2;
      const x = tf.randomNormal(shape, 0, 1, 'float32', 10 + k);
      const f = tf.randomNormal([k, k, 3, m], 0, 1, 'float32', 20 + k);
      const b = tf.randomNormal([3 * m], 0, 1, 'float32', 30 + k);
      const before = tf.memory().numTensors;
      for (const bias of [b, null]) {
        const want = depthwiseLoops(x.dataSync() as Float32Array, shape, f.dataSync() as Float32Array, k, m, bias === null ? null : (bias.dataSync() as Float32Array), pad);
        for (const method of ['direct', 'dilated', 'auto'] as const) {
          const y = depthwiseConv2dTorch(x, f, bias, pad, { method });
          expect(y.shape).toEqual([2, 9, 8, 3 * m]);
          const { diff, scale } = diffOf(y.dataSync(), want);
          expect(diff, `${method}, bias ${bias !== null}`).toBeLessThanOrEqual(1e-5 * scale);
          y.dispose();
        }
      }
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, f, b]);
    });
  }

  it('depthwiseConv2dTorch: dilated gradients (x, filter, bias) equal the direct ones; no leak', () => {
    const x = tf.randomNormal([2, 8, 8, 4], 0, 1, 'float32', 41);
    const f = tf.randomNormal([7, 7, 4, 1], 0, 1, 'float32', 42);
    const b = tf.randomNormal([4], 0, 1, 'float32', 43);
    const w = tf.randomNormal([2, 8, 8, 4], 0, 1, 'float32', 44); // a non-uniform upstream gradient
    const before = tf.memory().numTensors;
    const grads = (method: 'direct' | 'dilated', bias: boolean): Float32Array[] =>
      tf.tidy(() =>
        (bias
          ? tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(depthwiseConv2dTorch(a, c, d, 3, { method }), w)))([x, f, b])
          : tf.grads((a: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(depthwiseConv2dTorch(a, c, null, 3, { method }), w)))([x, f])
        ).map((g) => g.dataSync() as Float32Array),
      );
    for (const bias of [true, false]) {
      const direct = grads('direct', bias);
      const dilated = grads('dilated', bias);
      for (let i = 0; i < (bias ? 3 : 2); i++) {
        const { diff, scale } = diffOf(dilated[i]!, direct[i]!);
        expect(scale).toBeGreaterThan(0);
        expect(diff, `gradient ${i}, bias ${bias}`).toBeLessThanOrEqual(1e-5 * scale);
      }
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, f, b, w]);
  });

  it('depthwiseConv2dTorch rejects bad shapes and a dilated form it cannot do, naming them', () => {
    const x = tf.zeros([1, 8, 8, 3]);
    expect(() => depthwiseConv2dTorch(x, tf.zeros([7, 7, 4, 1]), null, 3)).toThrow(
      /depthwiseConv2dTorch: expected x \[N, H, W, C\] and filter \[kh, kw, C, M\], got \[1, 8, 8, 3\] and \[7, 7, 4, 1\]/,
    );
    expect(() => depthwiseConv2dTorch(tf.zeros([8, 8, 3]), tf.zeros([7, 7, 3, 1]), null, 3)).toThrow(/got \[8, 8, 3\]/);
    expect(() => depthwiseConv2dTorch(x, tf.zeros([3, 3, 3, 1]), null, 1, { method: 'dilated' })).toThrow(
      /depthwiseConv2dTorch: method 'dilated' needs an odd square filter 5…15 wide and pad \(k − 1\) \/ 2, got \[3, 3, 3, 1\] and pad 1/,
    );
    expect(() => depthwiseConv2dTorch(x, tf.zeros([7, 7, 3, 1]), null, 2, { method: 'dilated' })).toThrow(/and pad 2/);
    expect(() => depthwiseConv2dTorch(x, tf.zeros([7, 5, 3, 1]), null, 3, { method: 'dilated' })).toThrow(/got \[7, 5, 3, 1\]/);
    // the direct form takes any padding
    expect(depthwiseConv2dTorch(x, tf.zeros([7, 7, 3, 1]), null, 0).shape).toEqual([1, 2, 2, 3]);
    tf.disposeVariables();
  });

  it('attention: loop and batched equal softmax(q·kᵀ·scale)·v by loops, values and gradients; no leak', () => {
    const [B, T, S, d, dv] = [3, 4, 5, 6, 2];
    const q = tf.randomNormal([1, B, T, d], 0, 1, 'float32', 61);
    const k = tf.randomNormal([1, B, S, d], 0, 1, 'float32', 62);
    const v = tf.randomNormal([1, B, S, dv], 0, 1, 'float32', 63);
    const before = tf.memory().numTensors;
    const [qv, kv, vv] = [q, k, v].map((t) => (t.arraySync() as number[][][][])[0]!);
    const want: number[] = [];
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < T; i++) {
        const scores = Array.from({ length: S }, (_, j) => 0.5 * qv![b]![i]!.reduce((acc, x, c) => acc + x * kv![b]![j]![c]!, 0));
        const m = Math.max(...scores);
        const e = scores.map((x) => Math.exp(x - m));
        const z = e.reduce((p, x) => p + x, 0);
        for (let c = 0; c < dv; c++) want.push(e.reduce((acc, w, j) => acc + (w / z) * vv![b]![j]![c]!, 0));
      }
    }
    const grads: Float32Array[][] = [];
    for (const method of ['loop', 'batched', 'auto'] as const) {
      const y = attention(q, k, v, 0.5, { method });
      expect(y.shape).toEqual([1, B, T, dv]);
      const { diff, scale } = diffOf(y.dataSync(), want);
      expect(diff, method).toBeLessThanOrEqual(1e-5 * scale);
      y.dispose();
      grads.push(
        tf.tidy(() =>
          tf
            .grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.square(attention(a, b, c, 0.5, { method }))))([q, k, v])
            .map((g) => g.dataSync() as Float32Array),
        ),
      );
    }
    for (const g of grads.slice(1)) {
      g.forEach((gi, i) => {
        const { diff, scale } = diffOf(gi, grads[0]![i]!);
        expect(scale).toBeGreaterThan(0);
        expect(diff).toBeLessThanOrEqual(1e-5 * scale);
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(() => attention(tf.zeros([4, 6]), tf.zeros([5, 6]), tf.zeros([5, 2]), 1)).toThrow(
      /attention: expected q \[\.\.\.B, T, d\], k \[\.\.\.B, S, d\], v \[\.\.\.B, S, dv\], got \[4, 6\], \[5, 6\], \[5, 2\]/,
    );
    expect(() => attention(q, tf.zeros([1, B, S, d + 1]), v, 1)).toThrow(/got \[1, 3, 4, 6\], \[1, 3, 5, 7\], \[1, 3, 5, 2\]/);
    expect(() => attention(q, k, tf.zeros([1, B, S + 1, dv]), 1)).toThrow(/attention: expected/);
    tf.disposeVariables();
    tf.dispose([q, k, v]);
  });

  it('linear keeps leading axes; conv2dTorch pads symmetrically like PyTorch', () => {
    const out = tf.tidy(() => linear(tf.ones([2, 3, 4]), tf.ones([4, 5]), tf.fill([5], 1)).shape);
    expect(out).toEqual([2, 3, 5]);
    // 1×4×4×1 ones, 3×3 ones filter, stride 2, pad 1 → torch gives [[4, 6], [6, 9]]
    const c = tf.tidy(() => Array.from(conv2dTorch(tf.ones([1, 4, 4, 1]), tf.ones([3, 3, 1, 1]), null, 2, 1).dataSync()));
    expect(c).toEqual([4, 6, 6, 9]);
  });
});
