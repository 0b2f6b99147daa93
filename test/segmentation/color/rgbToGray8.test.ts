import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { rgbToGray8 } from '../../../src/segmentation/color/rgbToGray8.js';
import { createRgbImage } from '../../../src/io/image/rgbImage.js';
import type { RgbImage } from '../../../src/io/image/rgbImage.js';
import { diff, golden, goldenImage, GRAYS, pixels } from './goldenColors.js';

describe('rgbToGray8', () => {
  it('is bit-exact with OpenCV COLOR_RGB2GRAY on the golden colours', () => {
    expect(diff(rgbToGray8(goldenImage()).data, golden('gray8'))).toEqual({ max: 0, count: 0 });
  });

  it('returns shape [H, W]', () => {
    expect(rgbToGray8(createRgbImage(3, 2)).shape).toEqual([2, 3]);
  });

  it('maps black, white and grays to themselves', () => {
    expect(Array.from(rgbToGray8(pixels(...GRAYS)).data)).toEqual(GRAYS.map((c) => c[0]));
  });

  it('reads strided (non-contiguous) views like contiguous images', () => {
    const base = goldenImage();
    const flipped = base.step(1, -1); // W reversed: negative stride, offset ≠ 0
    const expected = Array.from(rgbToGray8(base).data).reverse();
    expect(Array.from(rgbToGray8(flipped).data)).toEqual(expected);
  });

  it('rejects a 4-channel image, naming the function and the value', () => {
    const rgba = ndarray(new Uint8Array(8), [1, 2, 4]) as unknown as RgbImage;
    expect(() => rgbToGray8(rgba)).toThrow(/^rgbToGray8: image must be an ndarray of shape \[H, W, 3\] \(last dimension 3\), got shape \[\d+, \d+, 4\]/);
  });

  it('rejects float data', () => {
    const f = ndarray(new Float32Array(3), [1, 1, 3]) as unknown as RgbImage;
    expect(() => rgbToGray8(f)).toThrow(/rgbToGray8: image\.data must be uint8 data/);
  });
});
