import { describe, expect, it } from 'vitest';
import { rgbToYcrcb } from '../../../src/segmentation/color/rgbToYcrcb.js';
import { diff, FLOAT_TOLERANCE, golden, goldenImage, GRAYS, pixels } from './goldenColors.js';

describe('rgbToYcrcb', () => {
  it('matches OpenCV float COLOR_RGB2YCrCb within 1e-4', () => {
    expect(diff(rgbToYcrcb(goldenImage()).data, golden('ycrcbF32'), FLOAT_TOLERANCE).count).toBe(0);
  });

  it('stays in [0, 1] on all golden colours', () => {
    for (const v of rgbToYcrcb(goldenImage()).data) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
  });

  it('gives Cr = Cb = 0.5 for black, white and grays', () => {
    const out = rgbToYcrcb(pixels(...GRAYS)).data;
    GRAYS.forEach(([v], i) => {
      expect(out[3 * i]).toBeCloseTo(v / 255, 6);
      expect(out[3 * i + 1]).toBeCloseTo(0.5, 6);
      expect(out[3 * i + 2]).toBeCloseTo(0.5, 6);
    });
  });
});
