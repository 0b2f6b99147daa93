import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { permuteDims } from '../../../src/io/safetensors/permuteDims.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('permuteDims', () => {
  it('transposes a matrix', () => {
    const got = permuteDims([1, 2, 3, 4, 5, 6], [2, 3], [1, 0]);
    expect(got.shape).toEqual([3, 2]);
    expect([...got.data]).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('property: equals tf.transpose for random shapes and permutations', () => {
    const shapeAndPerm = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 5 }).chain((shape) =>
      fc.tuple(fc.constant(shape), fc.shuffledSubarray(shape.map((_, i) => i), { minLength: shape.length, maxLength: shape.length })),
    );
    fc.assert(
      fc.property(shapeAndPerm, ([shape, perm]) => {
        const size = shape.reduce((a, b) => a * b, 1);
        const data = Float32Array.from({ length: size }, (_, i) => i);
        const want = tf.tidy(() => tf.transpose(tf.tensor(data, shape), perm).dataSync());
        const got = permuteDims(data, shape, perm);
        expect(got.shape).toEqual(perm.map((p) => shape[p]));
        expect([...got.data]).toEqual([...want]);
      }),
      { numRuns: 100 },
    );
  });

  it('handles scalars, zero-size axes and the identity', () => {
    expect(permuteDims([5], [], [])).toEqual({ data: new Float32Array([5]), shape: [] });
    expect(permuteDims([], [0, 3], [1, 0])).toEqual({ data: new Float32Array(0), shape: [3, 0] });
    expect([...permuteDims([1, 2, 3], [3], [0]).data]).toEqual([1, 2, 3]);
  });

  it('rejects a wrong length and an invalid permutation, naming the function', () => {
    expect(() => permuteDims([1, 2, 3], [2, 2], [1, 0])).toThrow('permuteDims: data must be 4 values for shape [2, 2], got 3 values');
    expect(() => permuteDims([1, 2, 3, 4], [2, 2], [0, 0])).toThrow(/^permuteDims: perm must be a permutation of the 2 axes of shape \[2, 2\], got \[0, 0\]$/);
    expect(() => permuteDims([1, 2, 3, 4], [2, 2], [0])).toThrow(/a permutation of the 2 axes of shape \[2, 2\], got \[0\]$/);
    expect(() => permuteDims([], [-1], [0])).toThrow(/^permuteDims: shape must be integers ≥ 0, got \[-1\]$/);
  });
});
