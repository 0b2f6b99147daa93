/**
 * Functional building blocks of the backbones (tfjs ops on NHWC / [.., C] tensors), matching PyTorch's
 * eval-mode definitions. Internal: used inside the backbones' `tf.tidy` bodies, so they do not tidy themselves.
 * @module
 */
import * as tf from '@tensorflow/tfjs';

const SQRT1_2 = Math.SQRT1_2;

/**
 * GELU, exact form (PyTorch `nn.GELU()` default, not the tanh approximation): 0.5 · x · (1 + erf(x / √2)).
 *
 * @param x - any shape
 * @returns same shape
 */
export function geluExact(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, SQRT1_2))));
}

/**
 * Layer normalisation over the last axis (PyTorch `nn.LayerNorm(C)`, biased variance):
 * (x − mean) / √(var + eps) · weight + bias. In NHWC this is also timm's `LayerNorm2d` (normalising channels).
 *
 * @param x - [..., C]
 * @param weight - [C]
 * @param bias - [C]
 * @param eps - added to the variance
 * @returns [..., C]
 */
export function layerNorm(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor, eps: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), weight), bias);
}

/**
 * Batch normalisation in inference mode (PyTorch `nn.BatchNorm2d.eval()`): (x − runningMean) ·
 * weight / √(runningVar + eps) + bias, over the last (channel) axis.
 *
 * @param x - [N, H, W, C]
 * @returns [N, H, W, C]
 */
export function batchNormInference(
  x: tf.Tensor,
  weight: tf.Tensor,
  bias: tf.Tensor,
  runningMean: tf.Tensor,
  runningVar: tf.Tensor,
  eps: number,
): tf.Tensor {
  const scale = tf.mul(weight, tf.rsqrt(tf.add(runningVar, eps))); // [C]
  return tf.add(tf.mul(tf.sub(x, runningMean), scale), bias);
}

/**
 * A dense layer over the last axis: x · kernel (+ bias).
 *
 * @param x - [..., in]
 * @param kernel - [in, out] (PyTorch `nn.Linear.weight` transposed)
 * @param bias - [out] or null
 * @returns [..., out]
 */
export function linear(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor | null): tf.Tensor {
  const inDim = kernel.shape[0]!;
  const outDim = kernel.shape[1]!;
  const lead = x.shape.slice(0, -1);
  const y = tf.matMul(tf.reshape(x, [-1, inDim]) as tf.Tensor2D, kernel as tf.Tensor2D); // [prod(lead), out]
  return tf.reshape(bias === null ? y : tf.add(y, bias), [...lead, outDim]);
}

/**
 * A PyTorch-style 2D convolution on NHWC input with symmetric zero padding `pad` on each side
 * (PyTorch's `padding=pad`; tfjs's `'same'` pads asymmetrically for even strides, so it is not used).
 *
 * @param x - [N, H, W, Cin]
 * @param filter - [kh, kw, Cin, Cout]
 * @param bias - [Cout] or null
 * @returns [N, H', W', Cout]
 */
export function conv2dTorch(
  x: tf.Tensor,
  filter: tf.Tensor,
  bias: tf.Tensor | null,
  stride: number,
  pad: number,
): tf.Tensor {
  const y = tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, stride, pad === 0 ? 'valid' : pad);
  return bias === null ? y : tf.add(y, bias);
}
