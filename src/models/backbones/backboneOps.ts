/**
 * Functional building blocks of the backbones (tfjs ops on NHWC / [.., C] tensors), matching PyTorch's
 * eval-mode definitions. Internal: used inside the backbones' `tf.tidy` bodies, so the one-kernel ones do not tidy
 * themselves; the composite ones (`depthwiseConv2dTorch`, `attention`) dispose their intermediates.
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
 * A dense layer over the last axis: x · kernel (+ bias), as one fused matMul + bias kernel (`tf.fused.matMul`;
 * XNNPACK's fully-connected operator on wasm), which saves the separate broadcast add of the bias.
 *
 * @param x - [..., in]
 * @param kernel - [in, out] (PyTorch `nn.Linear.weight` transposed)
 * @param bias - [out] or null
 * @returns [..., out]
 * @example
 * linear(tf.ones([2, 3, 4]), tf.ones([4, 5]), tf.zeros([5])).shape; // [2, 3, 5]
 */
export function linear(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor | null): tf.Tensor {
  const inDim = kernel.shape[0]!;
  const outDim = kernel.shape[1]!;
  const lead = x.shape.slice(0, -1);
  const a = tf.reshape(x, [-1, inDim]) as tf.Tensor2D;
  const y =
    bias === null ? tf.matMul(a, kernel as tf.Tensor2D) : tf.fused.matMul({ a, b: kernel as tf.Tensor2D, bias }); // [prod(lead), out]
  return tf.reshape(y, [...lead, outDim]);
}

/**
 * A PyTorch-style 2D convolution on NHWC input with symmetric zero padding `pad` on each side
 * (PyTorch's `padding=pad`; tfjs's `'same'` pads asymmetrically for even strides, so it is not used), with the
 * bias fused into the convolution kernel (`tf.fused.conv2d`; XNNPACK's convolution on wasm).
 *
 * @param x - [N, H, W, Cin]
 * @param filter - [kh, kw, Cin, Cout]
 * @param bias - [Cout] or null
 * @param stride - step in both spatial axes, ≥ 1
 * @param pad - zero padding on each side, ≥ 0
 * @returns [N, H', W', Cout] with H' = ⌊(H + 2·pad − kh) / stride⌋ + 1
 * @example
 * conv2dTorch(tf.ones([1, 4, 4, 1]), tf.ones([3, 3, 1, 1]), null, 2, 1); // [[4, 6], [6, 9]] (as PyTorch)
 */
export function conv2dTorch(
  x: tf.Tensor,
  filter: tf.Tensor,
  bias: tf.Tensor | null,
  stride: number,
  pad: number,
): tf.Tensor {
  return tf.fused.conv2d({
    x: x as tf.Tensor4D,
    filter: filter as tf.Tensor4D,
    strides: stride,
    pad: pad === 0 ? 'valid' : pad,
    ...(bias === null ? {} : { bias }),
  });
}

/** Options of {@link depthwiseConv2dTorch}. */
export interface DepthwiseConv2dTorchOptions {
  /**
   * How the convolution runs. `'direct'`: one depthwise kernel. `'dilated'`: a k×k kernel (k = 2r + 1, stride 1,
   * pad r, 3 < k ≤ 15) as the sum of r² 3×3 depthwise convolutions with dilations (dr, dc) ∈ {1..r}², each
   * taking the taps at offsets {−dr, 0, dr} × {−dc, 0, dc} of the k×k filter (the centre row/column only once,
   * in the dilation-1 kernels). tfjs-backend-wasm's XNNPACK runs 3×3 depthwise kernels with fast SIMD
   * micro-kernels but 7×7 ones about 25× slower per tap, so on wasm the nine 3×3 convolutions of a 7×7 filter
   * take a quarter to a third of the time of the one 7×7 (see bench/suites/embedding.ts, `--profile`).
   * Gradients of the `'dilated'` form are those of the direct convolution (a custom gradient), so training is
   * unaffected. `'auto'` picks `'dilated'` on the wasm backend for the shapes it covers, else `'direct'`.
   * Defaults to `'auto'`.
   */
  method?: 'auto' | 'direct' | 'dilated';
}

/** Largest k×k filter the `'dilated'` form takes (r² = 49 3×3 convolutions). */
const DILATED_MAX_SIZE = 15;

/**
 * Tap-selection matrices of the 3×3 sub-kernels of a k×k filter (k = 2r + 1), by r: for kernel (dr, dc) (index
 * (dr − 1)·r + dc − 1), a [9, k·k] 0/1 matrix whose row 3·(s + 1) + (t + 1), s, t ∈ {−1, 0, 1}, picks the filter tap
 * at offset (s·dr, t·dc), or is all zero when that offset belongs to another kernel (s = 0 with dr > 1, or t = 0 with
 * dc > 1). Every offset of the k×k window is picked exactly once over the r² kernels. Plain arrays, no tensors.
 */
const tapSelections = new Map<number, Float32Array[]>();

function dilatedTapSelections(r: number): Float32Array[] {
  const cached = tapSelections.get(r);
  if (cached !== undefined) return cached;
  const k = 2 * r + 1;
  const out: Float32Array[] = [];
  for (let dr = 1; dr <= r; dr++) {
    for (let dc = 1; dc <= r; dc++) {
      const m = new Float32Array(9 * k * k);
      for (let s = -1; s <= 1; s++) {
        for (let t = -1; t <= 1; t++) {
          if ((s !== 0 || dr === 1) && (t !== 0 || dc === 1)) m[(3 * (s + 1) + t + 1) * k * k + (r + s * dr) * k + (r + t * dc)] = 1;
        }
      }
      out.push(m);
    }
  }
  tapSelections.set(r, out);
  return out;
}

/** The sum of dilated 3×3 depthwise convolutions equal to a (2r+1)² one with pad r (forward only). */
function depthwiseDilated(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor | null): tf.Tensor4D {
  const [k, , c, m] = filter.shape;
  const r = (k - 1) / 2;
  // Sub-kernels by small matMuls (selection · taps): cheaper on wasm than a gather and an unstack.
  const taps = tf.reshape(filter, [k * k, c * m]) as tf.Tensor2D; // [k², C·M]
  const selections = dilatedTapSelections(r);
  const parts: tf.Tensor4D[] = [];
  for (let dr = 1; dr <= r; dr++) {
    for (let dc = 1; dc <= r; dc++) {
      const i = (dr - 1) * r + (dc - 1);
      const sub = tf.reshape(tf.matMul(tf.tensor2d(selections[i]!, [9, k * k]), taps), [3, 3, c, m]) as tf.Tensor4D;
      const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [dr, dr], [dc, dc], [0, 0]];
      parts.push(
        i === 0 && bias !== null
          ? tf.fused.depthwiseConv2d({ x, filter: sub, strides: 1, pad: 1, bias })
          : tf.depthwiseConv2d(x, sub, 1, pad, 'NHWC', [dr, dc]),
      ); // [N, H, W, C·M]
    }
  }
  return tf.addN(parts);
}

/**
 * A PyTorch-style depthwise 2D convolution (`nn.Conv2d(C, C·M, k, padding=pad, groups=C)`) on NHWC input, stride 1,
 * symmetric zero padding `pad`, bias fused.
 *
 * @param x - [N, H, W, C]
 * @param filter - [k, k, C, M] (M = channel multiplier, 1 in ConvNeXt)
 * @param bias - [C·M] or null
 * @param pad - zero padding on each side, ≥ 0 (k = 2·pad + 1 keeps H and W)
 * @param options - see {@link DepthwiseConv2dTorchOptions}
 * @returns [N, H + 2·pad − k + 1, W + 2·pad − k + 1, C·M]
 * @throws Error naming the function and the shapes when x is not 4-D, the filter not [k, k, C, M] with the channels
 *   of x, or `method: 'dilated'` is asked for a filter it does not cover
 * @example
 * const y = depthwiseConv2dTorch(x, filter7x7, bias, 3); // ConvNeXt's conv_dw: [N, H, W, C] → [N, H, W, C]
 */
export function depthwiseConv2dTorch(
  x: tf.Tensor,
  filter: tf.Tensor,
  bias: tf.Tensor | null,
  pad: number,
  options: DepthwiseConv2dTorchOptions = {},
): tf.Tensor {
  const [kh, kw, c] = filter.shape;
  if (x.rank !== 4 || filter.rank !== 4 || x.shape[3] !== c) {
    throw new Error(
      `depthwiseConv2dTorch: expected x [N, H, W, C] and filter [kh, kw, C, M], got [${x.shape.join(', ')}] and [${filter.shape.join(', ')}]`,
    );
  }
  const method = options.method ?? 'auto';
  const covered = kh === kw && kh !== undefined && kh % 2 === 1 && kh > 3 && kh <= DILATED_MAX_SIZE && pad === (kh - 1) / 2;
  if (method === 'dilated' && !covered) {
    throw new Error(
      `depthwiseConv2dTorch: method 'dilated' needs an odd square filter 5…${DILATED_MAX_SIZE} wide and pad (k − 1) / 2, got [${filter.shape.join(', ')}] and pad ${pad}`,
    );
  }
  const x4 = x as tf.Tensor4D;
  const f4 = filter as tf.Tensor4D;
  const direct = (): tf.Tensor4D =>
    tf.fused.depthwiseConv2d({ x: x4, filter: f4, strides: 1, pad: pad === 0 ? 'valid' : pad, ...(bias === null ? {} : { bias }) });
  if (!(method === 'dilated' || (method === 'auto' && covered && tf.getBackend() === 'wasm'))) return direct();
  // Forward through the dilated sum, backward through the direct convolution's gradient kernels (tfjs has no
  // gradient for dilated depthwise convolutions; tf.grads cannot nest inside a gradient function).
  const gradients = (dy: tf.Tensor, [xi, fi]: tf.Tensor[]): tf.Tensor[] => {
    const attrs = { strides: [1, 1], pad, dilations: [1, 1] };
    return [
      tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropInput, { dy, filter: fi! }, { ...attrs, inputShape: xi!.shape }) as tf.Tensor,
      tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropFilter, { x: xi!, dy }, { ...attrs, filterShape: fi!.shape }) as tf.Tensor,
    ];
  };
  if (bias === null) {
    return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [xi, fi, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
      save([xi, fi]);
      return { value: depthwiseDilated(xi, fi, null), gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => gradients(dy as tf.Tensor, saved) };
    })(x4, f4);
  }
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, fi, bi, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.Tensor, tf.GradSaveFunc];
    save([xi, fi]);
    return {
      value: depthwiseDilated(xi, fi, bi),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => [
        ...gradients(dy as tf.Tensor, saved),
        tf.sum(dy as tf.Tensor, [0, 1, 2]), // d/d bias: [C·M]
      ],
    };
  })(x4, f4, bias);
}

/** Options of {@link attention}. */
export interface AttentionOptions {
  /**
   * `'batched'`: batched `tf.matMul`s over all leading axes. `'loop'`: one head at a time with 2-D `tf.matMul`s:
   * tfjs-backend-wasm sends only 2-D, untransposed products to XNNPACK and runs batched or transposed ones on a
   * scalar triple loop (about 1 GFLOP/s); the loop also never builds the stacked [..., T, T] attention map, which
   * wasm would copy once per head to split it. `'auto'`: `'loop'` on the wasm backend, else `'batched'`.
   * Defaults to `'auto'`.
   */
  method?: 'auto' | 'batched' | 'loop';
}

/**
 * Scaled dot-product attention (PyTorch `F.scaled_dot_product_attention` without mask or dropout):
 * softmax(q · kᵀ · scale) · v over the last two axes, for every leading index (e.g. image and head). Differentiable.
 *
 * @param q - [...B, T, d]
 * @param k - [...B, S, d]
 * @param v - [...B, S, dv]
 * @param scale - factor of the scores, usually d^−½
 * @param options - see {@link AttentionOptions}
 * @returns [...B, T, dv]
 * @throws Error naming the function and the shapes when q, k, v are not rank ≥ 3 with the same leading axes and
 *   matching T/S/d
 * @example
 * const o = attention(q, k, v, 64 ** -0.5); // [N, heads, T, 64] ×3 → [N, heads, T, 64]
 */
export function attention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, scale: number, options: AttentionOptions = {}): tf.Tensor {
  const r = q.rank;
  const lead = q.shape.slice(0, -2);
  const sameLead = (t: tf.Tensor): boolean => t.rank === r && t.shape.slice(0, -2).every((d, i) => d === lead[i]);
  if (r < 3 || !sameLead(k) || !sameLead(v) || k.shape[r - 1] !== q.shape[r - 1] || v.shape[r - 2] !== k.shape[r - 2]) {
    throw new Error(
      `attention: expected q [...B, T, d], k [...B, S, d], v [...B, S, dv], got [${q.shape.join(', ')}], [${k.shape.join(', ')}], [${v.shape.join(', ')}]`,
    );
  }
  const method = options.method ?? 'auto';
  return tf.tidy(() => {
    if (method === 'batched' || (method === 'auto' && tf.getBackend() !== 'wasm')) {
      return tf.matMul(tf.softmax(tf.matMul(tf.mul(q, scale), k, false, true)), v); // [...B, T, dv]
    }
    const [t, d] = q.shape.slice(-2) as [number, number];
    const s = k.shape[r - 2]!;
    const dv = v.shape[r - 1]!;
    const count = lead.reduce((p, n) => p * n, 1);
    const qs = tf.unstack(tf.reshape(tf.mul(q, scale), [count, t, d])); // count × [T, d]
    const kts = tf.unstack(tf.reshape(tf.transpose(k, [...lead.keys(), r - 1, r - 2]), [count, d, s])); // count × [d, S]
    const vs = tf.unstack(tf.reshape(v, [count, s, dv])); // count × [S, dv]
    const outs = qs.map((qi, i) =>
      tf.matMul(tf.softmax(tf.matMul(qi as tf.Tensor2D, kts[i] as tf.Tensor2D)) as tf.Tensor2D, vs[i] as tf.Tensor2D),
    ); // count × [T, dv]
    return tf.reshape(tf.stack(outs), [...lead, t, dv]);
  });
}
