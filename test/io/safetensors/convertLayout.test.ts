import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { convertLayout, WEIGHT_LAYOUTS } from '../../../src/io/safetensors/convertLayout.js';

/** One tolerance for float32 tensors. */
const TOL = 1e-3;

/** Deterministic pseudo-random values in [-1, 1). */
function values(n: number, seed = 1): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return (s / 2 ** 31) * 2 - 1;
  });
}

/** PyTorch semantics written out: NCHW input, OIHW weight, grouped cross-correlation, stride 1, no padding. */
function torchConv2d(
  x: Float32Array,
  [n, c, h, w]: [number, number, number, number],
  wt: Float32Array,
  [o, cg, kh, kw]: [number, number, number, number],
  groups: number,
): Float32Array {
  const oh = h - kh + 1;
  const ow = w - kw + 1;
  const out = new Float32Array(n * o * oh * ow);
  const outPerGroup = o / groups;
  for (let b = 0; b < n; b++)
    for (let oc = 0; oc < o; oc++) {
      const g = Math.floor(oc / outPerGroup);
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) {
          let sum = 0;
          for (let ci = 0; ci < cg; ci++)
            for (let a = 0; a < kh; a++)
              for (let d = 0; d < kw; d++) {
                const ic = g * cg + ci;
                sum += x[((b * c + ic) * h + i + a) * w + j + d]! * wt[((oc * cg + ci) * kh + a) * kw + d]!;
              }
          out[((b * o + oc) * oh + i) * ow + j] = sum;
        }
    }
  return out;
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(TOL);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('convertLayout', () => {
  it('conv2d: a PyTorch OIHW weight converted to HWIO gives the same convolution in tfjs', () => {
    const [n, c, h, w, o, k] = [2, 3, 5, 6, 4, 3];
    const x = values(n * c * h * w, 3);
    const wt = values(o * c * k * k, 7);
    const want = torchConv2d(x, [n, c, h, w], wt, [o, c, k, k], 1);
    const filter = convertLayout(wt, [o, c, k, k], 'conv2d');
    expect(filter.shape).toEqual([k, k, c, o]);
    const got = tf.tidy(() => {
      const xNhwc = tf.transpose(tf.tensor4d(x, [n, c, h, w]), [0, 2, 3, 1]);
      const y = tf.conv2d(xNhwc, tf.tensor4d(filter.data, filter.shape as [number, number, number, number]), 1, 'valid');
      return tf.transpose(y, [0, 3, 1, 2]).dataSync(); // back to NCHW
    });
    expectClose(got, want);
  });

  it('depthwiseConv2d: a grouped PyTorch weight [C·m, 1, kh, kw] gives the same depthwise convolution (m = 1 and 2)', () => {
    for (const m of [1, 2]) {
      const [n, c, h, w, k] = [1, 3, 4, 5, 3];
      const x = values(n * c * h * w, 11);
      const wt = values(c * m * k * k, 13);
      const want = torchConv2d(x, [n, c, h, w], wt, [c * m, 1, k, k], c);
      const filter = convertLayout(wt, [c * m, 1, k, k], 'depthwiseConv2d', { depthMultiplier: m });
      expect(filter.shape).toEqual([k, k, c, m]);
      const got = tf.tidy(() => {
        const xNhwc = tf.transpose(tf.tensor4d(x, [n, c, h, w]), [0, 2, 3, 1]);
        const y = tf.depthwiseConv2d(xNhwc, tf.tensor4d(filter.data, filter.shape as [number, number, number, number]), 1, 'valid');
        return tf.transpose(y, [0, 3, 1, 2]).dataSync();
      });
      expectClose(got, want);
    }
  });

  it('linear: x · Wᵀ in PyTorch equals x · kernel in tfjs', () => {
    const [b, i, o] = [3, 5, 4];
    const x = values(b * i, 17);
    const wt = values(o * i, 19);
    const kernel = convertLayout(wt, [o, i], 'linear');
    expect(kernel.shape).toEqual([i, o]);
    const want = new Float32Array(b * o);
    for (let r = 0; r < b; r++) for (let q = 0; q < o; q++) for (let p = 0; p < i; p++) want[r * o + q]! += x[r * i + p]! * wt[q * i + p]!;
    const got = tf.tidy(() => tf.matMul(tf.tensor2d(x, [b, i]), tf.tensor2d(kernel.data, [i, o])).dataSync());
    expectClose(got, want);
  });

  it('conv1d: a PyTorch [out, in, k] weight gives the same 1-D convolution in tfjs', () => {
    const [n, c, len, o, k] = [2, 3, 7, 2, 3];
    const x = values(n * c * len, 23);
    const wt = values(o * c * k, 29);
    // a 1-D convolution is a 2-D one of height 1
    const want = torchConv2d(x, [n, c, 1, len], wt, [o, c, 1, k], 1);
    const filter = convertLayout(wt, [o, c, k], 'conv1d');
    expect(filter.shape).toEqual([k, c, o]);
    const got = tf.tidy(() => {
      const xNwc = tf.transpose(tf.tensor3d(x, [n, c, len]), [0, 2, 1]);
      const y = tf.conv1d(xNwc, tf.tensor3d(filter.data, filter.shape as [number, number, number]), 1, 'valid');
      return tf.transpose(y, [0, 2, 1]).dataSync();
    });
    expectClose(got, want);
  });

  it('conv2dTranspose: a PyTorch [in, out, kh, kw] weight gives the same transposed convolution', () => {
    const [n, c, h, w, o, k] = [1, 2, 3, 3, 3, 2];
    const x = values(n * c * h * w, 31);
    const wt = values(c * o * k * k, 37);
    const oh = h + k - 1;
    const ow = w + k - 1;
    const want = new Float32Array(n * o * oh * ow);
    for (let ic = 0; ic < c; ic++)
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++)
          for (let oc = 0; oc < o; oc++)
            for (let a = 0; a < k; a++)
              for (let d = 0; d < k; d++) want[(oc * oh + i + a) * ow + j + d]! += x[(ic * h + i) * w + j]! * wt[((ic * o + oc) * k + a) * k + d]!;
    const filter = convertLayout(wt, [c, o, k, k], 'conv2dTranspose');
    expect(filter.shape).toEqual([k, k, o, c]);
    const got = tf.tidy(() => {
      const xNhwc = tf.transpose(tf.tensor4d(x, [n, c, h, w]), [0, 2, 3, 1]);
      const y = tf.conv2dTranspose(xNhwc, tf.tensor4d(filter.data, filter.shape as [number, number, number, number]), [n, oh, ow, o], 1, 'valid');
      return tf.transpose(y, [0, 3, 1, 2]).dataSync();
    });
    expectClose(got, want);
  });

  it('identity copies any shape, scalars and empty weights included', () => {
    const src = new Float32Array([1, 2, 3]);
    const got = convertLayout(src, [3], 'identity');
    expect(got).toEqual({ data: src, shape: [3] });
    expect(got.data).not.toBe(src);
    expect(convertLayout([4], [], 'identity').shape).toEqual([]);
    expect(convertLayout([], [0, 4], 'linear').shape).toEqual([4, 0]);
    expect(WEIGHT_LAYOUTS).toContain('depthwiseConv2d');
  });

  it('rejects a rank that does not fit the layout, a bad depth multiplier and an unknown layout, naming them', () => {
    expect(() => convertLayout(new Float32Array(6), [2, 3], 'conv2d')).toThrow('convertLayout: shape must be a rank-4 weight shape for layout conv2d, got [2, 3]');
    expect(() => convertLayout(new Float32Array(18), [2, 1, 3, 3], 'depthwiseConv2d', { depthMultiplier: 4 })).toThrow(/^convertLayout: shape must be \[C·4, 1, kh, kw\] for layout depthwiseConv2d, got \[2, 1, 3, 3\]$/);
    expect(() => convertLayout(new Float32Array(36), [2, 2, 3, 3], 'depthwiseConv2d')).toThrow(/got \[2, 2, 3, 3\]$/);
    expect(() => convertLayout(new Float32Array(9), [1, 1, 3, 3], 'depthwiseConv2d', { depthMultiplier: 0 })).toThrow(/^convertLayout: options\.depthMultiplier must be an integer ≥ 1, got 0$/);
    expect(() => convertLayout([1], [1], 'oihw' as 'conv2d')).toThrow(/^convertLayout: layout must be one of .*, got "oihw"$/);
  });
});
