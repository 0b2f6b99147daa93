import type * as tf from '@tensorflow/tfjs';

const DTYPE_BYTES: Readonly<Record<string, number>> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/**
 * Number of bytes the weight data of a tfjs weight manifest must hold: Σ product(shape) · bytes per
 * element, where quantized weights count at their stored size (uint8: 1, uint16/float16: 2).
 *
 * @param specs - the weight entries of a `model.json` manifest (all groups, in order)
 * @returns the byte count, or `undefined` when a `string` weight makes it data-dependent
 * @throws Error naming `weightsByteLength` and the weight for an unknown dtype or invalid shape
 * @example
 * weightsByteLength([{ name: 'dense/kernel', shape: [3, 2], dtype: 'float32' }]); // 24
 */
export function weightsByteLength(specs: readonly tf.io.WeightsManifestEntry[]): number | undefined {
  let total = 0;
  for (const spec of specs) {
    if (spec.dtype === 'string') return undefined;
    const dtype = spec.quantization?.dtype ?? spec.dtype;
    const bytes = DTYPE_BYTES[dtype];
    if (bytes === undefined) throw new Error(`weightsByteLength: weight ${JSON.stringify(spec.name)} has unknown dtype ${String(dtype)}`);
    if (!Array.isArray(spec.shape)) throw new Error(`weightsByteLength: weight ${JSON.stringify(spec.name)} has no shape`);
    let size = 1;
    for (const d of spec.shape) {
      if (!Number.isSafeInteger(d) || d < 0) {
        throw new Error(`weightsByteLength: weight ${JSON.stringify(spec.name)} has invalid shape [${spec.shape.join(', ')}]`);
      }
      size *= d;
    }
    total += size * bytes;
  }
  return total;
}
