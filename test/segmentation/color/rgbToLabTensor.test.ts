import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { rgbToLabTensor } from '../../../src/segmentation/color/rgbToLabTensor.js';
import { rgbToLab } from '../../../src/segmentation/color/rgbToLab.js';
import { diff, TENSOR_TOLERANCE } from './goldenColors.js';
import { concatData, testImages, toBatch, useCpuBackend } from './tensorHelpers.js';

describe('rgbToLabTensor', () => {
  beforeAll(useCpuBackend);

  it.each(['float32', 'int32'] as const)('agrees with rgbToLab within 1e-3 on %s input', (dtype) => {
    for (const images of testImages()) {
      const batch = toBatch(images, dtype);
      const out = rgbToLabTensor(batch);
      const [n, h, w] = batch.shape;
      expect(out.shape).toEqual([n, h, w, 3]);
      expect(out.dtype).toBe('float32');
      const expected = concatData(images.map((img) => rgbToLab(img).data));
      expect(diff(out.dataSync(), expected, TENSOR_TOLERANCE).count).toBe(0);
      tf.dispose([batch, out]);
    }
  });

  it('does not leak tensors: only the returned tensor stays allocated', () => {
    const batch = toBatch(testImages()[1]!, 'int32');
    const before = tf.memory().numTensors;
    const out = rgbToLabTensor(batch);
    expect(tf.memory().numTensors).toBe(before + 1);
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
    batch.dispose();
  });

  it('rejects a last dimension other than 3, naming the function', () => {
    const rgba = tf.zeros([1, 2, 2, 4]);
    expect(() => rgbToLabTensor(rgba)).toThrow('rgbToLabTensor: expected last dimension 3, got 4');
    rgba.dispose();
  });

  it('rejects bool tensors', () => {
    const x = tf.zeros([1, 1, 1, 3], 'bool');
    expect(() => rgbToLabTensor(x)).toThrow('rgbToLabTensor: expected dtype float32 or int32, got bool');
    x.dispose();
  });
});
