import { describe, expect, it } from 'vitest';
import { rgbToYcrcb8 } from '../../../src/segmentation/color/rgbToYcrcb8.js';
import { diff, golden, goldenImage, GRAYS, pixels } from './goldenColors.js';

describe('rgbToYcrcb8', () => {
  it('is bit-exact with OpenCV COLOR_RGB2YCrCb on the golden colours', () => {
    expect(diff(rgbToYcrcb8(goldenImage()).data, golden('ycrcb8'))).toEqual({ max: 0, count: 0 });
  });

  it('gives neutral chroma (128, 128) for black, white and grays', () => {
    const out = rgbToYcrcb8(pixels(...GRAYS)).data;
    GRAYS.forEach(([v], i) => expect([out[3 * i], out[3 * i + 1], out[3 * i + 2]]).toEqual([v, 128, 128]));
  });

  it('orders channels Y, Cr, Cb (red raises Cr, blue raises Cb)', () => {
    expect(Array.from(rgbToYcrcb8(pixels([255, 0, 0], [0, 0, 255])).data)).toEqual([76, 255, 85, 29, 107, 255]);
  });
});
