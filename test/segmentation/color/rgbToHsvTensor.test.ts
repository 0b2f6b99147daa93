import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { rgbToHsvTensor } from '../../../src/segmentation/color/rgbToHsvTensor.js';
import { rgbToHsv } from '../../../src/segmentation/color/rgbToHsv.js';
import { tensorConversionContract } from './tensorContract.js';
import { useCpuBackend } from './tensorHelpers.js';

describe('rgbToHsvTensor', () => {
  beforeAll(useCpuBackend);

  tensorConversionContract('rgbToHsvTensor', (x) => rgbToHsvTensor(x), rgbToHsv, 3);

  it('gives hue 0 and saturation 0 for black, white and grays', () => {
    const grays = tf.tensor4d([0, 0, 0, 128, 128, 128, 255, 255, 255], [1, 1, 3, 3]);
    const out = rgbToHsvTensor(grays);
    const d = out.dataSync();
    for (let i = 0; i < 3; i++) expect([d[3 * i], d[3 * i + 1]]).toEqual([0, 0]);
    tf.dispose([grays, out]);
  });

  it('wraps hues that come out negative (magenta-red) into [0, 360)', () => {
    const x = tf.tensor4d([255, 0, 10], [1, 1, 1, 3]);
    const out = rgbToHsvTensor(x);
    const h = out.dataSync()[0]!;
    expect(h).toBeGreaterThan(357);
    expect(h).toBeLessThan(360);
    tf.dispose([x, out]);
  });
});
