import { describe, expect, it } from 'vitest';
import { float16ArrayToFloat32, float16BitsToFloat32, float32ToFloat16Bits } from '../../../src/io/safetensors/float16.js';

describe('float16BitsToFloat32', () => {
  it('decodes the IEEE 754 binary16 anchors', () => {
    expect(float16BitsToFloat32(0x3c00)).toBe(1);
    expect(float16BitsToFloat32(0xc000)).toBe(-2);
    expect(float16BitsToFloat32(0x7bff)).toBe(65504);
    expect(float16BitsToFloat32(0x0400)).toBe(2 ** -14);
    expect(float16BitsToFloat32(0x0001)).toBe(2 ** -24);
    expect(float16BitsToFloat32(0x03ff)).toBe(1023 * 2 ** -24);
    expect(float16BitsToFloat32(0x3555)).toBe(0.333251953125);
    expect(Object.is(float16BitsToFloat32(0x0000), 0)).toBe(true);
    expect(Object.is(float16BitsToFloat32(0x8000), -0)).toBe(true);
    expect(float16BitsToFloat32(0x7c00)).toBe(Infinity);
    expect(float16BitsToFloat32(0xfc00)).toBe(-Infinity);
    expect(float16BitsToFloat32(0x7e00)).toBeNaN();
    expect(float16BitsToFloat32(0xfc01)).toBeNaN();
  });

  it('is exact and strictly increasing over all positive finite halves', () => {
    let previous = -1;
    for (let h = 0; h < 0x7c00; h++) {
      const v = float16BitsToFloat32(h);
      if (Math.fround(v) !== v) throw new Error(`not a float32 at 0x${h.toString(16)}`);
      if (!(v > previous)) throw new Error(`not increasing at 0x${h.toString(16)}`);
      previous = v;
    }
  });

  it('float16ArrayToFloat32 matches the scalar decoder on all 65536 patterns', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const got = float16ArrayToFloat32(all);
    for (let h = 0; h < 65536; h++) {
      const want = float16BitsToFloat32(h);
      if (!Object.is(got[h], Math.fround(want)) && !(Number.isNaN(want) && Number.isNaN(got[h]))) {
        throw new Error(`mismatch at 0x${h.toString(16)}`);
      }
    }
  });

  it('gives an empty array for empty input', () => {
    expect(float16ArrayToFloat32(new Uint16Array(0))).toEqual(new Float32Array(0));
  });
});

describe('float32ToFloat16Bits', () => {
  it('round-trips every non-NaN half bit pattern, signed zeros and infinities included', () => {
    for (let h = 0; h < 65536; h++) {
      const exponentAllOnes = (h & 0x7c00) === 0x7c00;
      if (exponentAllOnes && (h & 0x3ff) !== 0) continue;
      if (float32ToFloat16Bits(float16BitsToFloat32(h)) !== h) throw new Error(`round trip fails at 0x${h.toString(16)}`);
    }
  });

  it('rounds to nearest with ties to even between every pair of adjacent positive halves', () => {
    for (let h = 0; h < 0x7bff; h++) {
      const lo = float16BitsToFloat32(h);
      const hi = float16BitsToFloat32(h + 1);
      const mid = (lo + hi) / 2; // needs one more mantissa bit than a half: exact in float32
      if (Math.fround(mid) !== mid) throw new Error(`midpoint not exact at 0x${h.toString(16)}`);
      const even = h % 2 === 0 ? h : h + 1;
      if (float32ToFloat16Bits(mid) !== even) throw new Error(`tie at 0x${h.toString(16)}`);
      const above = mid + (hi - lo) / 8;
      const below = mid - (hi - lo) / 8;
      if (float32ToFloat16Bits(above) !== h + 1 || float32ToFloat16Bits(below) !== h) {
        throw new Error(`rounding near 0x${h.toString(16)}`);
      }
    }
  });

  it('overflows to infinity from 65520 and underflows to zero at half the smallest subnormal', () => {
    expect(float32ToFloat16Bits(65519)).toBe(0x7bff);
    expect(float32ToFloat16Bits(65520)).toBe(0x7c00);
    expect(float32ToFloat16Bits(-1e30)).toBe(0xfc00);
    expect(float32ToFloat16Bits(2 ** -25)).toBe(0x0000); // tie between 0 and 2^-24: to even (0)
    expect(float32ToFloat16Bits(2 ** -25 * 1.5)).toBe(0x0001);
    expect(float32ToFloat16Bits(-(2 ** -30))).toBe(0x8000);
    expect(float32ToFloat16Bits(2 ** -14 - 2 ** -26)).toBe(0x0400); // rounds up from subnormal to the smallest normal
  });

  it('maps NaN to a quiet NaN keeping the sign, and infinities to infinities', () => {
    expect(float32ToFloat16Bits(NaN) & 0x7e00).toBe(0x7e00);
    expect(float32ToFloat16Bits(Infinity)).toBe(0x7c00);
    expect(float32ToFloat16Bits(-Infinity)).toBe(0xfc00);
  });
});
