import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { nucleusCrop } from '../../src/models/nucleusCrop.js';

function image(h: number, w: number, f: (y: number, x: number) => [number, number, number]): ndarray.NdArray<Uint8Array> {
  const data = new Uint8Array(h * w * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set(f(y, x), (y * w + x) * 3);
  return ndarray(data, [h, w, 3]);
}
function mask(h: number, w: number, f: (y: number, x: number) => boolean): ndarray.NdArray<Uint8Array> {
  const data = new Uint8Array(h * w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = f(y, x) ? 1 : 0;
  return ndarray(data, [h, w]);
}

describe('nucleusCrop', () => {
  it('centres the window on the nucleus centroid and averages areas', () => {
    // A dark 4×4 square nucleus at rows/cols 10…13 of a white 32×32 image: a window of 8 around its centroid (12, 12),
    // resampled to 4×4 (2×2 source pixels per output pixel), has the nucleus in its central 2×2 output pixels.
    const img = image(32, 32, (y, x) => (y >= 10 && y < 14 && x >= 10 && x < 14 ? [0, 51, 102] : [255, 255, 255]));
    const crop = nucleusCrop(img, mask(32, 32, (y, x) => y >= 10 && y < 14 && x >= 10 && x < 14), { window: 8, size: 4 });
    expect(crop).toHaveLength(48);
    const px = (i: number, j: number): number[] => Array.from(crop.subarray((i * 4 + j) * 3, (i * 4 + j) * 3 + 3));
    for (const [i, j] of [[1, 1], [1, 2], [2, 1], [2, 2]]) expect(px(i!, j!).map((v) => +v.toFixed(4))).toEqual([0, 0.2, 0.4]);
    for (const [i, j] of [[0, 0], [3, 3], [0, 2]]) expect(px(i!, j!)).toEqual([1, 1, 1]);
  });

  it('fills outside the image with white and uses the image centre without a nucleus', () => {
    const black = image(8, 8, () => [0, 0, 0]);
    const crop = nucleusCrop(black, mask(8, 8, () => false), { window: 16, size: 4 }); // window [−4, 12)
    expect(Array.from(crop.subarray(0, 3))).toEqual([1, 1, 1]); // corner: outside
    expect(Array.from(crop.subarray((1 * 4 + 1) * 3, (1 * 4 + 1) * 3 + 3))).toEqual([0, 0, 0]); // inside
    const half = nucleusCrop(black, mask(8, 8, () => false), { window: 12, size: 4 }); // 3 px per output: [−2, 10)
    expect(half[0]).toBeCloseTo(1 - 1 / 9, 5); // the first output pixel covers 1 image pixel of 9
  });

  it('refuses a mask of another shape and bad options, naming them', () => {
    const img = image(8, 8, () => [0, 0, 0]);
    expect(() => nucleusCrop(img, mask(4, 8, () => false))).toThrow(/nucleusCrop.*nucleus/);
    expect(() => nucleusCrop(img, mask(8, 8, () => false), { size: 0 })).toThrow(/nucleusCrop.*size/);
  });
});
