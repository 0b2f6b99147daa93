import { describe, expect, it } from 'vitest';
import { rgbToHls } from '../../../src/segmentation/color/rgbToHls.js';
import { diff, FLOAT_TOLERANCE, golden, goldenImage, GRAYS, pixels } from './goldenColors.js';

describe('rgbToHls', () => {
  it('matches OpenCV float COLOR_RGB2HLS within 1e-4', () => {
    expect(diff(rgbToHls(goldenImage()).data, golden('hlsF32'), FLOAT_TOLERANCE).count).toBe(0);
  });

  it('gives hue 0 and saturation 0 for black, white and grays', () => {
    const out = rgbToHls(pixels(...GRAYS)).data;
    GRAYS.forEach(([v], i) => {
      expect(out[3 * i]).toBe(0);
      expect(out[3 * i + 1]).toBeCloseTo(v / 255, 6);
      expect(out[3 * i + 2]).toBe(0);
    });
  });
});
