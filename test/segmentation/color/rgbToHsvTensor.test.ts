import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { rgbToHsvTensor } from '../../../src/segmentation/color/rgbToHsvTensor.js';
import { rgbToHsv } from '../../../src/segmentation/color/rgbToHsv.js';
import { diff, TENSOR_TOLERANCE } from './goldenColors.js';
import { concatData, testImages, toBatch, useCpuBackend } from './tensorHelpers.js';

describe('rgbToHsvTensor', () => {
  beforeAll(useCpuBackend);

  it.each(['float32', 'int32'] as const)('agrees with rgbToHsv within 1e-3 on %s input', (dtype) => {
    for (const images of testImages()) {
      const batch = toBatch(images, dtype);
      const out = rgbToHsvTensor(batch);
      const [n, h, w] = batch.shape;
      expect(out.shape).toEqual([n, h, w, 3]);
      expect(out.dtype).toBe('float32');
      const expected = concatData(images.map((img) => rgbToHsv(img).data));
      expect(diff(out.dataSync(), expected, TENSOR_TOLERANCE).count).toBe(0);
      tf.dispose([batch, out]);
    }
  });

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

  it('does not leak tensors: only the returned tensor stays allocated', () => {
    const batch = toBatch(testImages()[1]!, 'int32');
    const before = tf.memory().numTensors;
    const out = rgbToHsvTensor(batch);
    expect(tf.memory().numTensors).toBe(before + 1);
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
    batch.dispose();
  });

  it('rejects a last dimension other than 3, naming the function', () => {
    const rgba = tf.zeros([1, 2, 2, 4]);
    expect(() => rgbToHsvTensor(rgba)).toThrow('rgbToHsvTensor: expected last dimension 3, got 4');
    rgba.dispose();
  });

  it('rejects bool tensors', () => {
    const x = tf.zeros([1, 1, 1, 3], 'bool');
    expect(() => rgbToHsvTensor(x)).toThrow('rgbToHsvTensor: expected dtype float32 or int32, got bool');
    x.dispose();
  });
});
