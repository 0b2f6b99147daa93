import * as tf from '@tensorflow/tfjs';

/**
 * Identity in the forward pass, zero gradient in the backward pass (tfjs has no public `stopGradient`).
 *
 * Used for values that only shift or select (the per-bag max subtracted before `exp`, top-k selection masks):
 * the ops computed inside are not recorded on the gradient tape, so kernels without gradients (TopK) are fine.
 *
 * @param x - Any tensor; not disposed.
 * @param f - Computes the value from `x` (defaults to identity); its intermediate tensors belong to the enclosing
 *   `tf.tidy`.
 * @returns `f(x)`, a new tensor with a zero gradient with respect to `x`.
 * @internal
 */
export function stopGradient<T extends tf.Tensor>(x: tf.Tensor, f: (x: tf.Tensor) => T = (t) => tf.clone(t) as T): T {
  const op = tf.customGrad<T>((...args) => {
    const input = args[0] as tf.Tensor;
    return { value: f(input), gradFunc: () => tf.zerosLike(input) };
  });
  return op(x) as T;
}
