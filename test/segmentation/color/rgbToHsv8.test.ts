import fc from 'fast-check';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { rgbToHsv8 } from '../../../src/segmentation/color/rgbToHsv8.js';
import type { RgbImage } from '../../../src/io/image/rgbImage.js';
import { diff, golden, goldenImage, GRAYS, pixels } from './goldenColors.js';

describe('rgbToHsv8', () => {
  it('is bit-exact with OpenCV COLOR_RGB2HSV (H in [0, 180))', () => {
    const out = rgbToHsv8(goldenImage());
    expect(diff(out.data, golden('hsv8'))).toEqual({ max: 0, count: 0 });
    for (let i = 0; i < out.data.length; i += 3) expect(out.data[i]).toBeLessThan(180);
  });

  it('is bit-exact with OpenCV COLOR_RGB2HSV_FULL with { full: true }', () => {
    expect(diff(rgbToHsv8(goldenImage(), { full: true }).data, golden('hsvFull8'))).toEqual({ max: 0, count: 0 });
  });

  it('gives hue 0 and saturation 0 for black, white and grays', () => {
    for (const full of [false, true]) {
      const out = rgbToHsv8(pixels(...GRAYS), { full }).data;
      GRAYS.forEach(([v], i) => expect([out[3 * i], out[3 * i + 1], out[3 * i + 2]]).toEqual([0, 0, v]));
    }
  });

  it('encodes the primaries at 0°, 120°, 240°', () => {
    expect(Array.from(rgbToHsv8(pixels([255, 0, 0], [0, 255, 0], [0, 0, 255])).data)).toEqual([
      0, 255, 255, 60, 255, 255, 120, 255, 255,
    ]);
  });

  it('property: V is the channel maximum and S = 0 exactly when the colour is gray', () => {
    fc.assert(
      fc.property(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })), ([r, g, b]) => {
        const out = rgbToHsv8(pixels([r, g, b])).data;
        expect(out[2]).toBe(Math.max(r, g, b));
        expect(out[1] === 0).toBe(r === g && g === b);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects a 4-channel image', () => {
    const rgba = ndarray(new Uint8Array(4), [1, 1, 4]) as unknown as RgbImage;
    expect(() => rgbToHsv8(rgba)).toThrow(/^rgbToHsv8: image must be an ndarray of shape \[H, W, 3\] \(last dimension 3\), got shape \[\d+, \d+, 4\]/);
  });
});
