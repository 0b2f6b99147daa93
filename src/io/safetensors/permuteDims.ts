import { ArgumentError, DescribedValue } from '../../core/index.js';
/**
 * Permute the axes of a row-major array (NumPy `transpose(data.reshape(shape), perm)`, copied to C order).
 *
 * Output axis k is input axis `perm[k]`, so the output shape is `perm.map((p) => shape[p])`.
 *
 * @param data - product(shape) values, row-major
 * @param shape - the input shape, non-negative integers
 * @param perm - a permutation of 0 … rank − 1
 * @returns `{ data, shape }`: a new `Float32Array` and the permuted shape
 * @throws Error naming `permuteDims` and the value for a wrong length or an invalid permutation
 * @example
 * permuteDims(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3], [1, 0]);
 * // { data: Float32Array [1, 4, 2, 5, 3, 6], shape: [3, 2] }
 */
export function permuteDims(
  data: ArrayLike<number>,
  shape: readonly number[],
  perm: readonly number[],
): { data: Float32Array; shape: number[] } {
  const rank = shape.length;
  const fn = 'permuteDims';
  const shown = (xs: readonly number[]): DescribedValue => new DescribedValue(`[${xs.join(', ')}]`);
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
    throw new ArgumentError(fn, 'perm', `a permutation of the ${rank} axes of shape [${shape.join(', ')}]`, shown(perm));
  }
  let size = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new ArgumentError(fn, 'shape', 'integers ≥ 0', shown(shape));
    size *= d;
  }
  if (data.length !== size) {
    throw new ArgumentError(fn, 'data', `${size} values for shape [${shape.join(', ')}]`, new DescribedValue(`${data.length} values`));
  }
  const outShape = perm.map((p) => shape[p]!);
  const inStrides = new Array<number>(rank);
  let s = 1;
  for (let k = rank - 1; k >= 0; k--) {
    inStrides[k] = s;
    s *= shape[k]!;
  }
  // Stride of the input, seen from each output axis.
  const strides = perm.map((p) => inStrides[p]!);
  const out = new Float32Array(size);
  if (size === 0) return { data: out, shape: outShape };
  const index = new Array<number>(rank).fill(0);
  let src = 0;
  for (let i = 0; i < size; i++) {
    out[i] = data[src]!;
    // Odometer increment over the output index, moving `src` along the matching input strides.
    for (let k = rank - 1; k >= 0; k--) {
      index[k]! += 1;
      src += strides[k]!;
      if (index[k]! < outShape[k]!) break;
      src -= strides[k]! * outShape[k]!;
      index[k] = 0;
    }
  }
  return { data: out, shape: outShape };
}
