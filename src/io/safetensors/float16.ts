// IEEE 754 binary16 ("half", safetensors F16) ↔ float32, exact decoding and round-to-nearest-even encoding.

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
let decodeTable: Float32Array | undefined;

/**
 * The float32 value of one IEEE 754 half-precision bit pattern (exact: every half is a float32).
 *
 * Layout: 1 sign bit, 5 exponent bits (bias 15), 10 mantissa bits. Exponent 0 holds ±0 and the subnormals
 * m·2⁻²⁴; exponent 31 holds ±Inf (m = 0) and NaN (m ≠ 0).
 *
 * @param bits - the 16-bit pattern, integer in [0, 65535] (higher bits are ignored)
 * @returns the value as a number (float32-representable)
 * @example
 * float16BitsToFloat32(0x3c00); // 1
 * float16BitsToFloat32(0x0001); // 5.960464477539063e-8 (smallest subnormal, 2^-24)
 * float16BitsToFloat32(0x7c00); // Infinity
 */
export function float16BitsToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 31) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1024 + mantissa) * 2 ** (exponent - 25);
}

/**
 * The IEEE 754 half-precision bit pattern nearest to `value`, rounding to nearest, ties to even
 * (as NumPy `astype(float16)` and PyTorch `.half()`): |value| ≥ 65520 becomes ±Inf, values below half the
 * smallest subnormal (2⁻²⁵) become ±0, NaN becomes the quiet NaN 0x7e00 (sign kept).
 *
 * `value` is first rounded to float32 (as a `Float32Array` store does).
 *
 * @param value - any number
 * @returns the 16-bit pattern, integer in [0, 65535]
 * @example
 * float32ToFloat16Bits(1); // 0x3c00
 * float32ToFloat16Bits(65519); // 0x7bff (65504, the largest half)
 * float32ToFloat16Bits(1e6); // 0x7c00 (Infinity)
 */
export function float32ToFloat16Bits(value: number): number {
  F32[0] = value;
  const u = U32[0]!;
  const sign = (u >>> 16) & 0x8000;
  const x = u & 0x7fffffff;
  if (x >= 0x7f800000) return sign | (x > 0x7f800000 ? 0x7e00 : 0x7c00);
  // 0x477ff000 is 65520 = halfway between 65504 (max half) and 2^16: ties to even go to Inf.
  if (x >= 0x477ff000) return sign | 0x7c00;
  if (x < 0x38800000) {
    // Below 2^-14 the half is subnormal: round |value|·2^24 (exact in float64) to an integer, ties to even.
    // A result of 1024 is the smallest normal 0x0400, which the bit pattern expresses directly.
    const v = Math.abs(F32[0]!) * 2 ** 24;
    let r = Math.floor(v);
    const rest = v - r;
    if (rest > 0.5 || (rest === 0.5 && (r & 1) === 1)) r += 1;
    return sign | r;
  }
  const mantissa = x & 0x7fffff;
  let h = ((((x >>> 23) - 127 + 15) << 10) | (mantissa >>> 13)) >>> 0;
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa increments the exponent, which is the correct rounding.
  if (rest > 0x1000 || (rest === 0x1000 && (h & 1) === 1)) h += 1;
  return sign | h;
}

/**
 * Decode little-endian half-precision values to float32 (exact), with a 65,536-entry lookup table built on
 * first use (256 KiB).
 *
 * @param bits - half-precision bit patterns, one per element
 * @returns a new `Float32Array` of the same length
 * @example
 * float16ArrayToFloat32(new Uint16Array([0x3c00, 0xc000])); // Float32Array [1, -2]
 */
export function float16ArrayToFloat32(bits: Uint16Array): Float32Array {
  if (decodeTable === undefined) {
    const table = new Float32Array(65536);
    for (let i = 0; i < 65536; i++) table[i] = float16BitsToFloat32(i);
    decodeTable = table;
  }
  const table = decodeTable;
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]!]!;
  return out;
}
