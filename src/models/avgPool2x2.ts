import * as tf from '@tensorflow/tfjs';

/** How {@link avgPool2x2} computes the pooling and its gradient. */
export type AvgPool2x2Method = 'avgPool' | 'mean';

/** Options of {@link avgPool2x2}. */
export interface AvgPool2x2Options {
  /**
   * - `'avgPool'`: the `AvgPool` kernel forward and a custom gradient that spreads dy / 4 over each window by one
   *   broadcast multiplication (on wasm faster than both the native `AvgPoolGrad` kernel and the gradient of
   *   `'mean'`).
   * - `'mean'`: reshape to [N, H/2, 2, W/2, 2, C] and mean over the window axes, differentiated by tfjs.
   *
   * Both give the same values up to float rounding and the same gradient exactly. Defaults to `'avgPool'`.
   */
  readonly method?: AvgPool2x2Method;
}

const FN = 'avgPool2x2';

/**
 * 2×2 average pooling with stride 2 (average, not max: tfjs-backend-wasm's `MaxPoolGrad` is wrong), differentiable
 * with native kernels only on every backend.
 *
 * @param x - [N, H, W, C] float32 with H and W even (not disposed).
 * @param options - See {@link AvgPool2x2Options}.
 * @returns [N, H/2, W/2, C] float32, a new tensor.
 * @throws Error naming `avgPool2x2` and the shape when x is not 4-D with even H and W, or the method when unknown.
 * @example
 * const y = avgPool2x2(x); // x [N, 48, 48, 8] → [N, 24, 24, 8]
 */
export function avgPool2x2(x: tf.Tensor4D, options: AvgPool2x2Options = {}): tf.Tensor4D {
  const method = options.method ?? 'avgPool';
  if (method !== 'avgPool' && method !== 'mean') throw new Error(`${FN}: options.method must be 'avgPool' or 'mean', got ${String(method)}`);
  const [n, h, w, c] = x.shape;
  if (x.rank !== 4 || h % 2 !== 0 || w % 2 !== 0) throw new Error(`${FN}: expected x [N, H, W, C] with H and W even, got [${x.shape.join(', ')}]`);
  if (method === 'mean') return tf.tidy(() => tf.mean(tf.reshape(x, [n, h / 2, 2, w / 2, 2, c]), [2, 4]) as tf.Tensor4D); // [N, H/2, W/2, C]
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xi = args[0] as tf.Tensor4D;
    return {
      value: tf.avgPool(xi, 2, 2, 'valid'), // [N, H/2, W/2, C]
      // d/dx: each input pixel receives a quarter of its window's gradient (0.25 is exact: the same as the mean's).
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) =>
        tf.reshape(tf.mul(tf.reshape(dy as tf.Tensor, [n, h / 2, 1, w / 2, 1, c]), tf.fill([1, 1, 2, 1, 2, 1], 0.25)), [n, h, w, c]),
    };
  })(x) as tf.Tensor4D;
}
