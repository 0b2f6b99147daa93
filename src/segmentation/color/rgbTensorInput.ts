/**
 * Internal helper of the tensor colour conversions: input checks and scaling to [0, 1].
 * @internal
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Check an RGB batch tensor (last dimension 3, dtype float32 or int32, values in [0, 255]).
 * @throws TypeError naming `fn` (e.g. `rgbToHsvTensor: expected last dimension 3, got 4`)
 */
export function checkRgbTensor(images: tf.Tensor, fn: string): void {
  if (!(images instanceof tf.Tensor)) {
    throw new TypeError(`${fn}: expected a tf.Tensor of shape [N, H, W, 3], got ${String(images)}`);
  }
  if (images.isDisposed) throw new TypeError(`${fn}: the input tensor is disposed`);
  const shape = images.shape;
  if (shape.length < 1) throw new TypeError(`${fn}: expected shape [N, H, W, 3], got a scalar`);
  const last = shape[shape.length - 1];
  if (last !== 3) throw new TypeError(`${fn}: expected last dimension 3, got ${last}`);
  if (images.dtype !== 'float32' && images.dtype !== 'int32') {
    throw new TypeError(`${fn}: expected dtype float32 or int32, got ${images.dtype}`);
  }
}

/**
 * The channels of an RGB batch as float32 in [0, 1], each of shape [..., 1]. Call inside `tf.tidy`.
 */
export function unitChannels(images: tf.Tensor): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const x = tf.div(tf.cast(images, 'float32'), 255);
  const [r, g, b] = tf.split(x, 3, -1) as [tf.Tensor, tf.Tensor, tf.Tensor];
  return [r, g, b];
}
