// The two 8-bit float formats of safetensors (OCP FP8: E4M3FN and E5M2) → float32. Decoding only.

/**
 * The float32 value of one FP8 E4M3FN byte (safetensors `F8_E4M3`, PyTorch `float8_e4m3fn`): 1 sign bit,
 * 4 exponent bits (bias 7), 3 mantissa bits, no infinities; 0x7f and 0xff are NaN. Exact.
 *
 * @param bits - the byte, integer in [0, 255]
 * @returns the value, in [−448, 448] or NaN
 * @example
 * float8E4m3BitsToFloat32(0x38); // 1
 * float8E4m3BitsToFloat32(0x7e); // 448
 */
export function float8E4m3BitsToFloat32(bits: number): number {
  const sign = bits & 0x80 ? -1 : 1;
  const exponent = (bits >>> 3) & 0xf;
  const mantissa = bits & 0x7;
  if (exponent === 15 && mantissa === 7) return NaN;
  if (exponent === 0) return sign * mantissa * 2 ** -9;
  return sign * (8 + mantissa) * 2 ** (exponent - 10);
}

/**
 * The float32 value of one FP8 E5M2 byte (safetensors `F8_E5M2`, PyTorch `float8_e5m2`): the upper byte of
 * an IEEE half, with ±Inf and NaN. Exact.
 *
 * @param bits - the byte, integer in [0, 255]
 * @returns the value, in [−57344, 57344], ±Inf or NaN
 * @example
 * float8E5m2BitsToFloat32(0x3c); // 1
 */
export function float8E5m2BitsToFloat32(bits: number): number {
  const sign = bits & 0x80 ? -1 : 1;
  const exponent = (bits >>> 2) & 0x1f;
  const mantissa = bits & 0x3;
  if (exponent === 0) return sign * mantissa * 2 ** -16;
  if (exponent === 31) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (4 + mantissa) * 2 ** (exponent - 17);
}
