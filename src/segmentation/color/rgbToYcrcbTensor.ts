import * as tf from '@tensorflow/tfjs';
import { checkRgbTensor, unitChannels } from './rgbTensorInput.js';

/**
 * Batched float YCrCb (BT.601, OpenCV's coefficients) on any tfjs backend: the tensor version of {@link rgbToYcrcb}.
 *
 * Channel order Y, Cr, Cb; with R, G, B = value / 255: Y = 0.299·R + 0.587·G + 0.114·B,
 * Cr = (R − Y)·0.713 + 0.5, Cb = (B − Y)·0.564 + 0.5. Runs inside `tf.tidy`; the caller disposes the result.
 *
 * @param images - RGB batch, shape [N, H, W, 3] (any [..., 3]), dtype float32 or int32, values in [0, 255]
 * @returns YCrCb batch, same shape, float32 in [0, 1]
 * @throws TypeError `rgbToYcrcbTensor: …` for a last dimension other than 3 or another dtype
 * @example
 * const ycc = rgbToYcrcbTensor(tf.tensor4d([128, 128, 128], [1, 1, 1, 3])); // ≈ [0.502, 0.5, 0.5]
 */
export function rgbToYcrcbTensor(images: tf.Tensor): tf.Tensor {
  checkRgbTensor(images, 'rgbToYcrcbTensor');
  return tf.tidy(() => {
    const [r, g, b] = unitChannels(images); // [..., 1]
    const y = tf.addN([tf.mul(r, 0.299), tf.mul(g, 0.587), tf.mul(b, 0.114)]);
    const cr = tf.add(tf.mul(tf.sub(r, y), 0.713), 0.5);
    const cb = tf.add(tf.mul(tf.sub(b, y), 0.564), 0.5);
    return tf.concat([y, cr, cb], -1); // [..., 3]
  });
}
