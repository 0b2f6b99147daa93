import * as tf from '@tensorflow/tfjs';

/** How {@link conv3x3} computes the convolution and its gradients. */
export type Conv3x3Method = 'conv2d' | 'im2col';

/** The methods of {@link conv3x3}. */
export const CONV3X3_METHODS: readonly Conv3x3Method[] = ['conv2d', 'im2col'];

/** Options of {@link conv3x3}. */
export interface Conv3x3Options {
  /**
   * - `'conv2d'`: the forward pass is one `Conv2D` kernel (XNNPACK on wasm, bias and ReLU fused); a custom gradient
   *   computes the kernel gradient as one `Conv2D` of the transposed input with the transposed output gradient
   *   (the filter-gradient identity of TensorFlow's `Conv2DBackpropFilter`, which tfjs-backend-wasm lacks) and the
   *   input gradient as a `Conv2D` of the output gradient with the flipped, transposed kernel. Kernels used: Conv2D /
   *   FusedConv2D, Transpose, Reverse, Reshape, Sum, Step, Multiply, all native on cpu, wasm, webgl and webgpu.
   * - `'im2col'`: the nine shifted copies of the padded input concatenated on the channel axis times the [9·C, C′]
   *   kernel (pad, slice, concat, matMul, each natively differentiable): on wasm the crop CNN's training step is about
   *   9× slower with it (`npm run bench -- crop-cnn`). Kept as the reference the `'conv2d'` gradients are tested against.
   *
   * Both give the same values up to float rounding. Defaults to `'conv2d'`.
   */
  readonly method?: Conv3x3Method;
  /** Apply a ReLU to the output (fused into the convolution with `'conv2d'`). Defaults to `false`. */
  readonly relu?: boolean;
  /**
   * Compute the gradient with respect to `x` (`false` for the first layer, whose input is data: the gradient then
   * flows to `kernel` and `bias` only and `x` is treated as a constant). Only `'conv2d'` reads it (`'im2col'` is
   * differentiated by tfjs). Defaults to `true`.
   */
  readonly inputGradient?: boolean;
}

const FN = 'conv3x3';

/** [N, H, W, C] → [N·H·W, 9·C]: the 3×3 neighbourhoods (zero padded), rows ordered (dy, dx, c) like the kernel. */
function im2col(x: tf.Tensor4D): tf.Tensor2D {
  const [n, h, w, c] = x.shape;
  const padded = tf.pad(x, [
    [0, 0],
    [1, 1],
    [1, 1],
    [0, 0],
  ]); // [N, H+2, W+2, C]
  const shifts: tf.Tensor4D[] = [];
  for (let dy = 0; dy < 3; dy++) for (let dx = 0; dx < 3; dx++) shifts.push(tf.slice(padded, [0, dy, dx, 0], [n, h, w, c]));
  return tf.reshape(tf.concat(shifts, 3), [n * h * w, 9 * c]); // [N·H·W, 9C]
}

function im2colConv(x: tf.Tensor4D, kernel: tf.Tensor2D, bias: tf.Tensor1D, relu: boolean): tf.Tensor4D {
  const [n, h, w] = x.shape;
  const y = tf.reshape(tf.add(tf.matMul(im2col(x), kernel), bias), [n, h, w, kernel.shape[1]]) as tf.Tensor4D; // [N, H, W, C′]
  return relu ? tf.relu(y) : y;
}

/**
 * d/d kernel of a 'same' 3×3 convolution: dW[ky, kx, c, c′] = Σ_{n,y,x} x_pad[n, y+ky, x+kx, c] · g[n, y, x, c′],
 * i.e. a 'valid' convolution whose batch is the input channels (x as [C, H, W, N], padded by 1) and whose
 * [H, W, N, C′] filter is the output gradient: its output [C, 3, 3, C′] is the kernel gradient.
 */
function kernelGradient(x: tf.Tensor4D, g: tf.Tensor4D): tf.Tensor2D {
  const c = x.shape[3];
  const cOut = g.shape[3];
  const xt = tf.transpose(x, [3, 1, 2, 0]); // [C, H, W, N]
  const gt = tf.transpose(g, [1, 2, 0, 3]); // [H, W, N, C′]
  const dw = tf.conv2d(xt, gt, 1, [
    [0, 0],
    [1, 1],
    [1, 1],
    [0, 0],
  ]); // [C, 3, 3, C′]
  return tf.reshape(tf.transpose(dw, [1, 2, 0, 3]), [9 * c, cOut]); // [3, 3, C, C′] → [9C, C′]
}

/** d/d x of a 'same' 3×3 convolution: the output gradient convolved with the kernel flipped in space, C and C′ swapped. */
function inputGradient(g: tf.Tensor4D, kernel4: tf.Tensor4D): tf.Tensor4D {
  const flipped = tf.transpose(tf.reverse(kernel4, [0, 1]), [0, 1, 3, 2]); // [3, 3, C′, C]
  return tf.conv2d(g, flipped as tf.Tensor4D, 1, 'same'); // [N, H, W, C]
}

function conv2dConv(x: tf.Tensor4D, kernel: tf.Tensor2D, bias: tf.Tensor1D, relu: boolean, withInputGradient: boolean): tf.Tensor4D {
  const [, , , c] = x.shape;
  const cOut = kernel.shape[1];
  // The FusedConv2D kernel itself: tf.fused.conv2d splits into Conv2D + Add + Relu while a gradient is recorded.
  const forward = (xi: tf.Tensor4D, ki: tf.Tensor2D, bi: tf.Tensor1D): tf.Tensor4D =>
    tf.engine().runKernel(
      tf.FusedConv2D,
      { x: xi, filter: tf.reshape(ki, [3, 3, c, cOut]), bias: bi },
      { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1], activation: relu ? 'relu' : 'linear' },
    ) as tf.Tensor4D;
  // Gradients of y = act(conv(x, K) + b) from dy: g = dy ⊙ act′ (ReLU: step(y), as tf.relu's own gradient).
  const gradients = (dy: tf.Tensor4D, xi: tf.Tensor4D, ki: tf.Tensor2D, y: tf.Tensor4D | null): tf.Tensor[] => {
    const g: tf.Tensor4D = y === null ? dy : tf.mul(dy, tf.step(y));
    const grads: tf.Tensor[] = [kernelGradient(xi, g), tf.sum(g, [0, 1, 2])]; // [9C, C′], [C′]
    if (withInputGradient) grads.unshift(inputGradient(g, tf.reshape(ki, [3, 3, c, cOut]) as tf.Tensor4D)); // [N, H, W, C]
    return grads;
  };
  // The custom gradient's body: the forward pass, what the backward pass needs saved, and the backward pass.
  const body = (xi: tf.Tensor4D, ki: tf.Tensor2D, bi: tf.Tensor1D, save: tf.GradSaveFunc): { value: tf.Tensor4D; gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => tf.Tensor[] } => {
    const value = forward(xi, ki, bi);
    save(relu ? [xi, ki, value] : [xi, ki]);
    return {
      value,
      gradFunc: (dy, saved) => gradients(dy as tf.Tensor4D, saved[0] as tf.Tensor4D, saved[1] as tf.Tensor2D, relu ? (saved[2] as tf.Tensor4D) : null),
    };
  };
  if (withInputGradient) {
    return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [xi, ki, bi, save] = args as [tf.Tensor4D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
      return body(xi, ki, bi, save);
    })(x, kernel, bias) as tf.Tensor4D;
  }
  // x is a constant here: captured (and saved, as the caller may dispose it before the backward pass), not an input
  // of the custom gradient, so no gradient is computed for it.
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [ki, bi, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    return body(x, ki, bi, save);
  })(kernel, bias) as tf.Tensor4D;
}

/**
 * 3×3 convolution with 'same' zero padding, stride 1, plus bias and optional ReLU, differentiable on every backend
 * with native kernels only: tfjs-backend-wasm lacks `Conv2DBackpropFilter` (whose CPU fallback would copy every
 * activation to the CPU and back at each step), so the kernel gradient is computed by other kernels (see
 * {@link Conv3x3Options.method}).
 *
 * Shape key: N images, H × W pixels, C input and C′ output channels. The kernel is stored as [9·C, C′] with rows
 * ordered (dy, dx, c), i.e. the [3, 3, C, C′] filter of `tf.conv2d` reshaped (cross-correlation, as tf.conv2d).
 *
 * @param x - [N, H, W, C] float32 (not disposed).
 * @param kernel - [9·C, C′] float32.
 * @param bias - [C′] float32.
 * @param options - See {@link Conv3x3Options}.
 * @returns [N, H, W, C′] float32, a new tensor.
 * @throws Error naming `conv3x3` and the shapes when they do not fit, or the method when it is unknown.
 * @example
 * const y = conv3x3(x, kernel, bias, { relu: true }); // x [N, 48, 48, 3], kernel [27, 8], bias [8] → [N, 48, 48, 8]
 */
export function conv3x3(x: tf.Tensor4D, kernel: tf.Tensor2D, bias: tf.Tensor1D, options: Conv3x3Options = {}): tf.Tensor4D {
  const method = options.method ?? 'conv2d';
  if (!CONV3X3_METHODS.includes(method)) throw new Error(`${FN}: options.method must be one of ${CONV3X3_METHODS.join(', ')}, got ${String(method)}`);
  if (x.rank !== 4 || kernel.rank !== 2 || bias.rank !== 1 || kernel.shape[0] !== 9 * x.shape[3] || bias.shape[0] !== kernel.shape[1]) {
    throw new Error(
      `${FN}: expected x [N, H, W, C], kernel [9·C, C′] and bias [C′], got [${x.shape.join(', ')}], [${kernel.shape.join(', ')}] and [${bias.shape.join(', ')}]`,
    );
  }
  const relu = options.relu ?? false;
  return tf.tidy(() => (method === 'im2col' ? im2colConv(x, kernel, bias, relu) : conv2dConv(x, kernel, bias, relu, options.inputGradient ?? true)));
}
