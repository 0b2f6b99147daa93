import * as tf from '@tensorflow/tfjs';
import { checkRgbTensor, unitChannels } from './rgbTensorInput.js';

/**
 * Batched float gray (BT.601 luma) on any tfjs backend: the tensor version of {@link rgbToGray}.
 *
 * Y = 0.299·R + 0.587·G + 0.114·B with R, G, B = value / 255. Only backend-neutral element-wise ops,
 * run inside `tf.tidy`: the caller owns (and disposes) the returned tensor only.
 *
 * @param images - RGB batch, shape [N, H, W, 3] (any leading shape [..., 3] works), dtype float32 or int32,
 *   values in [0, 255]
 * @returns gray batch, shape [N, H, W] (the input shape without its last axis), float32 in [0, 1]
 * @throws TypeError `rgbToGrayTensor: …` for a last dimension other than 3 or another dtype
 * @example
 * const gray = rgbToGrayTensor(tf.tensor4d([255, 255, 255], [1, 1, 1, 3])); // [[[1]]]
 * gray.dispose();
 */
export function rgbToGrayTensor(images: tf.Tensor): tf.Tensor {
  checkRgbTensor(images, 'rgbToGrayTensor');
  return tf.tidy(() => {
    const [r, g, b] = unitChannels(images); // [..., 1] each
    const y = tf.addN([tf.mul(r, 0.299), tf.mul(g, 0.587), tf.mul(b, 0.114)]);
    return tf.squeeze(y, [images.rank - 1]); // [...]
  });
}
