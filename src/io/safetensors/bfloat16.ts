// bfloat16 (safetensors BF16: the top 16 bits of a float32) ↔ float32.

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/**
 * The float32 value of one bfloat16 bit pattern (exact: a bfloat16 is the upper half of a float32).
 *
 * @param bits - the 16-bit pattern, integer in [0, 65535] (higher bits are ignored)
 * @returns the value as a number
 * @example
 * bfloat16BitsToFloat32(0x3f80); // 1
 * bfloat16BitsToFloat32(0xff80); // -Infinity
 */
export function bfloat16BitsToFloat32(bits: number): number {
  U32[0] = (bits & 0xffff) << 16;
  return F32[0]!;
}

/**
 * The bfloat16 bit pattern nearest to `value` (after rounding it to float32), rounding to nearest, ties to
 * even, as PyTorch `.bfloat16()`: values beyond the largest bfloat16 become ±Inf, NaN becomes a quiet NaN
 * (sign kept).
 *
 * @param value - any number
 * @returns the 16-bit pattern, integer in [0, 65535]
 * @example
 * float32ToBfloat16Bits(1); // 0x3f80
 * float32ToBfloat16Bits(1 + 2 ** -8); // 0x3f80 (tie, to even)
 */
export function float32ToBfloat16Bits(value: number): number {
  F32[0] = value;
  const u = U32[0]!;
  if ((u & 0x7fffffff) > 0x7f800000) return (u >>> 16) | 0x0040;
  // Adding 0x7fff plus the lowest kept bit, then truncating, rounds to nearest with ties to even;
  // a carry into the exponent (including up to Inf) is the correct result.
  return ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) & 0xffff;
}

/**
 * Decode bfloat16 values to float32 (exact).
 *
 * @param bits - bfloat16 bit patterns, one per element
 * @returns a new `Float32Array` of the same length
 * @example
 * bfloat16ArrayToFloat32(new Uint16Array([0x3f80, 0x4000])); // Float32Array [1, 2]
 */
export function bfloat16ArrayToFloat32(bits: Uint16Array): Float32Array {
  const out = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = bits[i]! << 16;
  return new Float32Array(out.buffer);
}
