import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rgbToLab } from '../../../src/segmentation/color/rgbToLab.js';
import { diff, FLOAT_TOLERANCE, golden, goldenImage, GRAYS, pixels } from './goldenColors.js';

describe('rgbToLab', () => {
  it("with method 'opencv' matches OpenCV's interpolated float path within 1e-4 on all but 9 of 26,577 values", () => {
    const d = diff(rgbToLab(goldenImage(), { method: 'opencv' }).data, golden('labF32'), FLOAT_TOLERANCE);
    // the 9 misses are one step of OpenCV's Q14 output (1/64 for a*, b*; 100/16384 for L*)
    expect(d.count).toBeLessThanOrEqual(9);
    expect(d.max).toBeLessThanOrEqual(1 / 64 + 1e-5);
  });

  it("'exact' (default) stays within OpenCV's interpolation error of its float path", () => {
    const d = diff(rgbToLab(goldenImage()).data, golden('labF32'));
    expect(d.max).toBeLessThan(0.36);
  });

  it('matches textbook values for the sRGB primaries and white (D65)', () => {
    const out = Array.from(rgbToLab(pixels([255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255])).data);
    const expected = [53.24, 80.09, 67.2, 87.73, -86.18, 83.18, 32.3, 79.19, -107.86, 100, 0, 0];
    out.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 1));
  });

  it('gives a* = b* = 0 for black, white and grays', () => {
    const out = rgbToLab(pixels(...GRAYS)).data;
    GRAYS.forEach((_, i) => {
      expect(Math.abs(out[3 * i + 1]!)).toBeLessThan(1e-5);
      expect(Math.abs(out[3 * i + 2]!)).toBeLessThan(1e-5);
    });
    expect(out[0]).toBe(0);
  });

  it('property: L* increases with gray level', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 254 }), (v) => {
        const out = rgbToLab(pixels([v, v, v], [v + 1, v + 1, v + 1])).data;
        expect(out[3]!).toBeGreaterThan(out[0]!);
      }),
    );
  });

  it('rejects an unknown method', () => {
    expect(() => rgbToLab(pixels([0, 0, 0]), { method: 'fast' as never })).toThrow(
      'rgbToLab: options.method must be one of "exact", "opencv", got "fast"',
    );
  });
});
