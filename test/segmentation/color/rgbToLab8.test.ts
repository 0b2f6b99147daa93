import { describe, expect, it } from 'vitest';
import { rgbToLab8 } from '../../../src/segmentation/color/rgbToLab8.js';
import { diff, golden, goldenImage, GRAYS, pixels } from './goldenColors.js';

describe('rgbToLab8', () => {
  it('is bit-exact with OpenCV COLOR_RGB2LAB on the golden colours', () => {
    expect(diff(rgbToLab8(goldenImage()).data, golden('lab8'))).toEqual({ max: 0, count: 0 });
  });

  it('gives a = b = 128 for black, white and grays, and L from 0 to 255', () => {
    const out = rgbToLab8(pixels(...GRAYS)).data;
    GRAYS.forEach((_, i) => expect([out[3 * i + 1], out[3 * i + 2]]).toEqual([128, 128]));
    expect(out[0]).toBe(0);
    expect(out[out.length - 3]).toBe(255);
  });
});
