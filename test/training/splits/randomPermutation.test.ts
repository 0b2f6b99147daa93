import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/core/index.js';
import { randomPermutation, shuffleInPlace } from '../../../src/training/splits/randomPermutation.js';

describe('randomPermutation', () => {
  it('is a permutation of 0..n-1 for any n and seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.integer(), (n, seed) => {
        const p = randomPermutation(n, seededRandom(seed).next);
        expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      }),
    );
  });

  it('handles the degenerate lengths 0 and 1', () => {
    expect(randomPermutation(0, seededRandom(1).next)).toEqual([]);
    expect(randomPermutation(1, seededRandom(1).next)).toEqual([0]);
  });

  it('puts every element first about equally often', () => {
    const rand = seededRandom(11).next;
    const firsts = [0, 0, 0, 0];
    for (let t = 0; t < 4000; t++) firsts[randomPermutation(4, rand)[0] as number]! += 1;
    for (const f of firsts) expect(Math.abs(f - 1000)).toBeLessThan(150);
  });

  it('rejects a negative or fractional length', () => {
    expect(() => randomPermutation(-1, seededRandom(1).next)).toThrow(/randomPermutation: .*-1/);
    expect(() => randomPermutation(2.5, seededRandom(1).next)).toThrow(/randomPermutation: .*2\.5/);
  });
});

describe('shuffleInPlace', () => {
  it('shuffles in place and returns the same array', () => {
    const xs = ['a', 'b', 'c', 'd', 'e'];
    const out = shuffleInPlace(xs, seededRandom(5).next);
    expect(out).toBe(xs);
    expect([...xs].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});
