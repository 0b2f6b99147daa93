import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { rgbToHsv } from '../../../src/segmentation/color/rgbToHsv.js';
import type { RgbImage } from '../../../src/io/image/rgbImage.js';
import { diff, FLOAT_TOLERANCE, golden, goldenImage, GRAYS, pixels } from './goldenColors.js';

describe('rgbToHsv', () => {
  it('matches OpenCV float COLOR_RGB2HSV within 1e-4 (H in degrees)', () => {
    const out = rgbToHsv(goldenImage());
    expect(diff(out.data, golden('hsvF32'), FLOAT_TOLERANCE).count).toBe(0);
    for (let i = 0; i < out.data.length; i += 3) {
      expect(out.data[i]).toBeGreaterThanOrEqual(0);
      expect(out.data[i]).toBeLessThan(360);
    }
  });

  it('gives hue 0 and saturation 0 (no NaN) for black, white and grays', () => {
    const out = rgbToHsv(pixels(...GRAYS)).data;
    GRAYS.forEach(([v], i) => {
      expect(out[3 * i]).toBe(0);
      expect(out[3 * i + 1]).toBe(0);
      expect(out[3 * i + 2]).toBeCloseTo(v / 255, 6);
    });
  });

  it('rejects a 4-channel image with the contract message', () => {
    const rgba = ndarray(new Uint8Array(4), [1, 1, 4]) as unknown as RgbImage;
    expect(() => rgbToHsv(rgba)).toThrow(/^rgbToHsv: image must be an ndarray of shape \[H, W, 3\] \(last dimension 3\), got shape \[\d+, \d+, 4\]/);
  });

  it('rejects an empty image', () => {
    const empty = ndarray(new Uint8Array(0), [0, 4, 3]) as unknown as RgbImage;
    expect(() => rgbToHsv(empty)).toThrow(/^rgbToHsv: image must be an ndarray of shape \[H, W, 3\] \(non-empty\), got shape \[0, 4, 3\]/);
  });
});
