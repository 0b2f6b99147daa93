import { describe, expect, it } from 'vitest';
import { dihedralCrop } from '../../../src/training/cropCnn/index.js';

/** A 3×3 crop whose red channel numbers the pixels 0…8 (row-major), green = 10 × red, blue = −red. */
const crop = Float32Array.from({ length: 27 }, (_, k) => (k % 3 === 0 ? k / 3 : k % 3 === 1 ? (10 * (k - 1)) / 3 : -(k - 2) / 3));
const red = (t: number): number[] => {
  const out = new Float32Array(27);
  dihedralCrop(crop, 3, t, out);
  return Array.from({ length: 9 }, (_, p) => out[p * 3]!);
};

describe('dihedralCrop', () => {
  it('gives the 8 distinct symmetries of a square, the rotations by 90° as numpy rot90 would', () => {
    expect(red(0)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    // np.rot90(np.arange(9).reshape(3, 3), k=1) (counter-clockwise): [[2,5,8],[1,4,7],[0,3,6]]
    expect(red(1)).toEqual([2, 5, 8, 1, 4, 7, 0, 3, 6]);
    // np.rot90(np.arange(9).reshape(3, 3), k=3): [[6,3,0],[7,4,1],[8,5,2]]
    expect(red(3)).toEqual([6, 3, 0, 7, 4, 1, 8, 5, 2]);
    expect(red(2)).toEqual([8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(red(4)).toEqual([2, 1, 0, 5, 4, 3, 8, 7, 6]); // horizontal flip
    expect(new Set(Array.from({ length: 8 }, (_, t) => red(t).join())).size).toBe(8);
    for (let t = 0; t < 8; t++) expect([...red(t)].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]); // a permutation
  });

  it('moves the three channels of a pixel together, at an offset', () => {
    const out = new Float32Array(54);
    dihedralCrop(crop, 3, 3, out, 27);
    for (let p = 0; p < 9; p++) {
      expect(out[27 + p * 3 + 1]).toBeCloseTo(10 * out[27 + p * 3]!, 5);
      expect(out[27 + p * 3 + 2]).toBeCloseTo(-out[27 + p * 3]!, 5);
    }
    expect(Array.from(out.subarray(0, 27)).every((v) => v === 0)).toBe(true);
  });

  it('refuses a crop of the wrong length or an unknown symmetry', () => {
    expect(() => dihedralCrop(new Float32Array(10), 3, 0, new Float32Array(27))).toThrow(/dihedralCrop.*crop/);
    expect(() => dihedralCrop(crop, 3, 8, new Float32Array(27))).toThrow(/dihedralCrop.*transform/);
  });
});
