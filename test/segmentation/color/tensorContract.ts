/**
 * The contract every tfjs colour conversion keeps, as shared tests: agreement with its typed-array twin within 1e-3 on
 * float32 and int32 input, output shape and dtype, no leaked tensor, and errors that name the function.
 */
import * as tf from '@tensorflow/tfjs';
import type { NdArray } from 'ndarray';
import { expect, it } from 'vitest';
import type { RgbImage } from '../../../src/io/image/rgbImage.js';
import { diff, TENSOR_TOLERANCE } from './goldenColors.js';
import { concatData, testImages, toBatch } from './tensorHelpers.js';

/**
 * Declares the contract tests (call inside a `describe` whose `beforeAll` selects the cpu backend).
 * @param name - the function's name, as its error messages start
 * @param convert - the tensor conversion, [N, H, W, 3] → [N, H, W, C] (or [N, H, W] when `channels` is 0)
 * @param reference - the typed-array conversion of one image
 * @param channels - output channels C, or 0 for a [N, H, W] output
 */
export function tensorConversionContract(
  name: string,
  convert: (x: tf.Tensor) => tf.Tensor,
  reference: (image: RgbImage) => NdArray<Float32Array>,
  channels: number,
): void {
  it.each(['float32', 'int32'] as const)(`agrees with the typed-array version within 1e-3 on %s input`, (dtype) => {
    for (const images of testImages()) {
      const batch = toBatch(images, dtype);
      const out = convert(batch);
      const [n, h, w] = batch.shape;
      expect(out.shape).toEqual(channels === 0 ? [n, h, w] : [n, h, w, channels]);
      expect(out.dtype).toBe('float32');
      const expected = concatData(images.map((img) => reference(img).data));
      expect(diff(out.dataSync(), expected, TENSOR_TOLERANCE).count).toBe(0);
      tf.dispose([batch, out]);
    }
  });

  it('does not leak tensors: only the returned tensor stays allocated', () => {
    const batch = toBatch(testImages()[1]!, 'int32');
    const before = tf.memory().numTensors;
    const out = convert(batch);
    expect(tf.memory().numTensors).toBe(before + 1);
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
    batch.dispose();
  });

  it('rejects a last dimension other than 3, naming the function', () => {
    const rgba = tf.zeros([1, 2, 2, 4]);
    expect(() => convert(rgba)).toThrow(`${name}: images must be a tensor of shape [..., 3] (last dimension 3), got shape [1, 2, 2, 4] float32`);
    rgba.dispose();
  });

  it('rejects bool tensors', () => {
    const x = tf.zeros([1, 1, 1, 3], 'bool');
    expect(() => convert(x)).toThrow(`${name}: images must be a tensor of shape [..., 3] of dtype float32 or int32, got shape [1, 1, 1, 3] bool`);
    x.dispose();
  });
}
