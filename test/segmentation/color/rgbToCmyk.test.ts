import { describe, expect, it } from 'vitest';
import { rgbToCmyk } from '../../../src/segmentation/color/rgbToCmyk.js';
import { diff, golden, goldenImage, pixels } from './goldenColors.js';

describe('rgbToCmyk', () => {
  it('matches the reference CMYK (rounded to 1e-6) on the golden colours', () => {
    const out = rgbToCmyk(goldenImage());
    expect(out.shape).toEqual([1, golden('cmykF64').length / 4, 4]);
    expect(diff(out.data, golden('cmykF64'), 1e-6).count).toBe(0);
  });

  it('gives C = M = Y = 0, K = 1 for black (no NaN) and all zeros for white', () => {
    expect(Array.from(rgbToCmyk(pixels([0, 0, 0], [255, 255, 255])).data)).toEqual([0, 0, 0, 1, 0, 0, 0, 0]);
  });

  it('gives K = 1 − max/255 and zero C, M, Y for grays', () => {
    const out = Array.from(rgbToCmyk(pixels([51, 51, 51])).data);
    expect(out.slice(0, 3)).toEqual([0, 0, 0]);
    expect(out[3]).toBeCloseTo(0.8, 6);
  });
});
