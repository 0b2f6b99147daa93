import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { rgbToGrayTensor } from '../../../src/segmentation/color/rgbToGrayTensor.js';
import { rgbToGray } from '../../../src/segmentation/color/rgbToGray.js';
import { tensorConversionContract } from './tensorContract.js';
import { useCpuBackend } from './tensorHelpers.js';

describe('rgbToGrayTensor', () => {
  beforeAll(useCpuBackend);

  tensorConversionContract('rgbToGrayTensor', (x) => rgbToGrayTensor(x), rgbToGray, 0);

  it('keeps any leading shape: [H, W, 3] gives [H, W]', () => {
    const x = tf.zeros([2, 4, 3]);
    const out = rgbToGrayTensor(x);
    expect(out.shape).toEqual([2, 4]);
    tf.dispose([x, out]);
  });
});
