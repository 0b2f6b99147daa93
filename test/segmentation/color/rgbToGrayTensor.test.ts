import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { rgbToGrayTensor } from '../../../src/segmentation/color/rgbToGrayTensor.js';
import { rgbToGray } from '../../../src/segmentation/color/rgbToGray.js';
import { diff, TENSOR_TOLERANCE } from './goldenColors.js';
import { concatData, testImages, toBatch, useCpuBackend } from './tensorHelpers.js';

describe('rgbToGrayTensor', () => {
  beforeAll(useCpuBackend);

  it.each(['float32', 'int32'] as const)('agrees with rgbToGray within 1e-3 on %s input', (dtype) => {
    for (const images of testImages()) {
      const batch = toBatch(images, dtype);
      const out = rgbToGrayTensor(batch);
      const [n, h, w] = batch.shape;
      expect(out.shape).toEqual([n, h, w]);
      expect(out.dtype).toBe('float32');
      const expected = concatData(images.map((img) => rgbToGray(img).data));
      expect(diff(out.dataSync(), expected, TENSOR_TOLERANCE).count).toBe(0);
      tf.dispose([batch, out]);
    }
  });

  it('keeps any leading shape: [H, W, 3] gives [H, W]', () => {
    const x = tf.zeros([2, 4, 3]);
    const out = rgbToGrayTensor(x);
    expect(out.shape).toEqual([2, 4]);
    tf.dispose([x, out]);
  });

  it('does not leak tensors: only the returned tensor stays allocated', () => {
    const batch = toBatch(testImages()[1]!, 'int32');
    const before = tf.memory().numTensors;
    const out = rgbToGrayTensor(batch);
    expect(tf.memory().numTensors).toBe(before + 1);
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
    batch.dispose();
  });

  it('rejects a last dimension other than 3, naming the function', () => {
    const rgba = tf.zeros([1, 2, 2, 4]);
    expect(() => rgbToGrayTensor(rgba)).toThrow('rgbToGrayTensor: expected last dimension 3, got 4');
    rgba.dispose();
  });

  it('rejects bool tensors', () => {
    const x = tf.zeros([1, 1, 1, 3], 'bool');
    expect(() => rgbToGrayTensor(x)).toThrow('rgbToGrayTensor: expected dtype float32 or int32, got bool');
    x.dispose();
  });
});
