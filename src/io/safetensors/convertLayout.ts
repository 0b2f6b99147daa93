import { permuteDims } from './permuteDims.js';
import { ArgumentError, checkInteger, checkOneOf, DescribedValue } from '../../core/index.js';

/**
 * Weight layouts that {@link convertLayout} converts from PyTorch to tfjs.
 *
 * | layout | PyTorch | tfjs |
 * |---|---|---|
 * | `'identity'` | any | same (biases, norms, embeddings) |
 * | `'linear'` | `nn.Linear.weight` [out, in] | `dense` kernel [in, out] |
 * | `'conv2d'` | `nn.Conv2d.weight` [out, in/groups, kh, kw] (OIHW) | `conv2d` filter [kh, kw, in, out] (HWIO) |
 * | `'depthwiseConv2d'` | `nn.Conv2d(groups=C).weight` [C·m, 1, kh, kw] | `depthwiseConv2d` filter [kh, kw, C, m] |
 * | `'conv1d'` | `nn.Conv1d.weight` [out, in, k] | `conv1d` filter [k, in, out] |
 * | `'conv2dTranspose'` | `nn.ConvTranspose2d.weight` [in, out, kh, kw] | `conv2dTranspose` filter [kh, kw, out, in] |
 */
export type WeightLayout = 'identity' | 'linear' | 'conv2d' | 'depthwiseConv2d' | 'conv1d' | 'conv2dTranspose';

/** Every {@link WeightLayout}. */
export const WEIGHT_LAYOUTS: readonly WeightLayout[] = Object.freeze([
  'identity',
  'linear',
  'conv2d',
  'depthwiseConv2d',
  'conv1d',
  'conv2dTranspose',
]);

/** Options of {@link convertLayout}. */
export interface ConvertLayoutOptions {
  /**
   * Channel multiplier m of a `'depthwiseConv2d'` weight: PyTorch output channel c·m + j (input channel c)
   * becomes tfjs [.., .., c, j]. Defaults to 1.
   */
  depthMultiplier?: number;
}

const RANK: Record<WeightLayout, number | undefined> = {
  identity: undefined,
  linear: 2,
  conv2d: 4,
  depthwiseConv2d: 4,
  conv1d: 3,
  conv2dTranspose: 4,
};

/**
 * Convert a PyTorch weight to the tfjs layout (see {@link WeightLayout}); the values are copied, never
 * changed.
 *
 * @param data - the PyTorch weight, product(shape) values, row-major
 * @param shape - its PyTorch shape
 * @param layout - the conversion
 * @param options - see {@link ConvertLayoutOptions}
 * @returns `{ data, shape }`: a new `Float32Array` and the tfjs shape
 * @throws Error naming `convertLayout`, the layout and the shape when the rank or a dimension does not fit
 * @example
 * const { shape } = convertLayout(w, [64, 3, 7, 7], 'conv2d'); // shape [7, 7, 3, 64]
 * convertLayout(fc, [1000, 512], 'linear').shape; // [512, 1000]
 * convertLayout(dw, [96, 1, 7, 7], 'depthwiseConv2d').shape; // [7, 7, 96, 1]
 */
export function convertLayout(
  data: ArrayLike<number>,
  shape: readonly number[],
  layout: WeightLayout,
  options: ConvertLayoutOptions = {},
): { data: Float32Array; shape: number[] } {
  const fn = 'convertLayout';
  checkOneOf(fn, 'layout', layout, WEIGHT_LAYOUTS);
  const rank = RANK[layout];
  if (rank !== undefined && shape.length !== rank) {
    throw new ArgumentError(fn, 'shape', `a rank-${rank} weight shape for layout ${layout}`, new DescribedValue(`[${shape.join(', ')}]`));
  }
  switch (layout) {
    case 'identity':
      return permuteDims(data, shape, shape.map((_, i) => i));
    case 'linear':
      return permuteDims(data, shape, [1, 0]);
    case 'conv2d':
      return permuteDims(data, shape, [2, 3, 1, 0]);
    case 'conv1d':
      return permuteDims(data, shape, [2, 1, 0]);
    case 'conv2dTranspose':
      return permuteDims(data, shape, [2, 3, 1, 0]);
    case 'depthwiseConv2d': {
      const m = options.depthMultiplier ?? 1;
      const [outChannels, one, kh, kw] = shape as [number, number, number, number];
      checkInteger(fn, 'options.depthMultiplier', m, { min: 1 });
      if (one !== 1 || outChannels % m !== 0) {
        throw new ArgumentError(fn, 'shape', `[C·${m}, 1, kh, kw] for layout depthwiseConv2d`, new DescribedValue(`[${shape.join(', ')}]`));
      }
      // [C·m, 1, kh, kw] is row-major the same as [C, m, kh, kw]; move (C, m) behind (kh, kw).
      return permuteDims(data, [outChannels / m, m, kh, kw], [2, 3, 0, 1]);
    }
  }
}
