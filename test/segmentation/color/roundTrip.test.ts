import fc from 'fast-check';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { hlsToRgb } from '../../../src/segmentation/color/hlsToRgb.js';
import { hsvToRgb } from '../../../src/segmentation/color/hsvToRgb.js';
import { labToRgb } from '../../../src/segmentation/color/labToRgb.js';
import { rgbToHls } from '../../../src/segmentation/color/rgbToHls.js';
import { rgbToHsv } from '../../../src/segmentation/color/rgbToHsv.js';
import { rgbToLab } from '../../../src/segmentation/color/rgbToLab.js';
import { rgbToYcrcb } from '../../../src/segmentation/color/rgbToYcrcb.js';
import { ycrcbToRgb } from '../../../src/segmentation/color/ycrcbToRgb.js';
import { createRgbImage } from '../../../src/io/image/rgbImage.js';
import type { RgbImage } from '../../../src/io/image/rgbImage.js';
import { goldenImage, GRAYS, pixels } from './goldenColors.js';
import type { NdArray } from 'ndarray';

type Forward = (image: RgbImage) => NdArray<Float32Array>;
type Inverse = (image: NdArray<Float32Array | Float64Array>) => NdArray<Float32Array>;

const PAIRS: [string, Forward, Inverse][] = [
  ['hsv', rgbToHsv, hsvToRgb],
  ['hls', rgbToHls, hlsToRgb],
  ['lab', (img) => rgbToLab(img), labToRgb],
  ['ycrcb', rgbToYcrcb, ycrcbToRgb],
];

/** Largest |inverse(forward(img)) · 255 − img| over all values. */
function roundTripError(img: RgbImage, forward: Forward, inverse: Inverse): number {
  const back = inverse(forward(img)).data;
  let max = 0;
  for (let i = 0; i < back.length; i++) max = Math.max(max, Math.abs(back[i]! * 255 - img.data[i]!));
  return max;
}

describe.each(PAIRS)('%s round trip', (_name, forward, inverse) => {
  it('recovers the golden colours to within 0.01 of a byte', () => {
    expect(roundTripError(goldenImage(), forward, inverse)).toBeLessThan(0.01);
  });

  it('recovers black, white and grays', () => {
    expect(roundTripError(pixels(...GRAYS), forward, inverse)).toBeLessThan(0.01);
  });

  it('property: recovers random images', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 3, maxLength: 60 }).filter((a) => a.length % 3 === 0), (bytes) => {
        const img = createRgbImage(bytes.length / 3, 1, bytes);
        expect(roundTripError(img, forward, inverse)).toBeLessThan(0.01);
      }),
      { numRuns: 100 },
    );
  });

  it('rejects a [H, W, 4] input naming the inverse', () => {
    const bad = ndarray(new Float32Array(4), [1, 1, 4]);
    expect(() => inverse(bad)).toThrow(/ToRgb: image must be an ndarray of shape \[H, W, 3\] \(last dimension 3\), got shape \[\d+, \d+, 4\]/);
  });
});

describe('inverse conversions on edge inputs', () => {
  it('hsvToRgb takes hue modulo 360 (−120° and 600° are 240°)', () => {
    const hsv = ndarray(new Float64Array([-120, 1, 1, 600, 1, 1]), [1, 2, 3]);
    expect(Array.from(hsvToRgb(hsv).data)).toEqual([0, 0, 1, 0, 0, 1]);
  });

  it('labToRgb clamps out-of-gamut colours to [0, 1]', () => {
    const lab = ndarray(new Float32Array([50, 127, -127]), [1, 1, 3]);
    for (const v of labToRgb(lab).data) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
  });

  it('reads strided views (a transposed image) like contiguous ones', () => {
    const hsv = rgbToHsv(createRgbImage(2, 2, Uint8Array.from([255, 0, 0, 0, 128, 255, 10, 20, 30, 200, 200, 0])));
    const transposed = hsv.transpose(1, 0, 2);
    const viaView = hsvToRgb(transposed).data;
    const copy = ndarray(new Float32Array(12), [2, 2, 3]);
    for (let y = 0; y < 2; y++) for (let x = 0; x < 2; x++) for (let c = 0; c < 3; c++) copy.set(y, x, c, transposed.get(y, x, c));
    expect(Array.from(viaView)).toEqual(Array.from(hsvToRgb(copy).data));
  });

  it('rejects uint8 data', () => {
    const bytes = ndarray(new Uint8Array(3), [1, 1, 3]) as unknown as NdArray<Float32Array>;
    expect(() => hlsToRgb(bytes)).toThrow(/^hlsToRgb: image\.data must be a Float32Array or Float64Array, got Uint8Array\(\d+\)$/);
  });
});
