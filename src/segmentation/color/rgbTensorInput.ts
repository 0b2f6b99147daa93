/**
 * Internal helper of the tensor colour conversions: input checks and scaling to [0, 1].
 * @internal
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkThat } from '../../core/index.js';

/**
 * Check an RGB batch tensor (last dimension 3, dtype float32 or int32, values in [0, 255]).
 * @throws {ArgumentError} naming `fn` and `images` (e.g. `rgbToHsvTensor: images must be a tensor of shape
 *   [..., 3] (last dimension 3), got shape [1, 2, 2, 4] float32`)
 */
export function checkRgbTensor(images: tf.Tensor, fn: string): void {
  const what = 'a tensor of shape [..., 3]';
  if (!(images instanceof tf.Tensor)) throw new ArgumentError(fn, 'images', what, images);
  checkThat(!images.isDisposed, fn, 'images', 'a tensor that is not disposed', 'a disposed tensor');
  const shape = images.shape;
  checkThat(shape.length >= 1 && shape[shape.length - 1] === 3, fn, 'images', `${what} (last dimension 3)`, images);
  checkThat(images.dtype === 'float32' || images.dtype === 'int32', fn, 'images', `${what} of dtype float32 or int32`, images);
}

/**
 * The channels of an RGB batch as float32 in [0, 1], each of shape [..., 1]. Call inside `tf.tidy`.
 */
export function unitChannels(images: tf.Tensor): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const x = tf.div(tf.cast(images, 'float32'), 255);
  const [r, g, b] = tf.split(x, 3, -1) as [tf.Tensor, tf.Tensor, tf.Tensor];
  return [r, g, b];
}
