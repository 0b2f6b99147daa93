import { describe, expect, it } from 'vitest';
import { rgbToGray } from '../../../src/segmentation/color/rgbToGray.js';
import { diff, FLOAT_TOLERANCE, golden, goldenImage, GRAYS, pixels } from './goldenColors.js';

describe('rgbToGray', () => {
  it('matches OpenCV float COLOR_RGB2GRAY within 1e-4', () => {
    const out = rgbToGray(goldenImage());
    expect(out.data).toBeInstanceOf(Float32Array);
    expect(diff(out.data, golden('grayF32'), FLOAT_TOLERANCE).count).toBe(0);
  });

  it('maps grays to v / 255', () => {
    const out = Array.from(rgbToGray(pixels(...GRAYS)).data);
    out.forEach((v, i) => expect(v).toBeCloseTo(GRAYS[i]![0] / 255, 6));
  });

  it('rejects a 2-D input', () => {
    const img = pixels([1, 2, 3]).pick(0, null, null);
    expect(() => rgbToGray(img)).toThrow(/^rgbToGray: image must be an ndarray of shape \[H, W, 3\] \(3 dimensions\), got shape \[1, 3\]/);
  });
});
