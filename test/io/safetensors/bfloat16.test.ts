import { describe, expect, it } from 'vitest';
import { bfloat16ArrayToFloat32, bfloat16BitsToFloat32, float32ToBfloat16Bits } from '../../../src/io/safetensors/bfloat16.js';

describe('bfloat16', () => {
  it('decodes anchors: one, two, the largest finite, the smallest subnormal, signed zero, infinities, NaN', () => {
    expect(bfloat16BitsToFloat32(0x3f80)).toBe(1);
    expect(bfloat16BitsToFloat32(0xc000)).toBe(-2);
    expect(bfloat16BitsToFloat32(0x7f7f)).toBe((2 - 2 ** -7) * 2 ** 127);
    expect(bfloat16BitsToFloat32(0x0001)).toBe(2 ** -133);
    expect(Object.is(bfloat16BitsToFloat32(0x8000), -0)).toBe(true);
    expect(bfloat16BitsToFloat32(0x7f80)).toBe(Infinity);
    expect(bfloat16BitsToFloat32(0xff80)).toBe(-Infinity);
    expect(bfloat16BitsToFloat32(0x7fc0)).toBeNaN();
  });

  it('the array decoder equals the scalar decoder, and encoding round-trips every non-NaN pattern', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const decoded = bfloat16ArrayToFloat32(all);
    for (let h = 0; h < 65536; h++) {
      const v = bfloat16BitsToFloat32(h);
      if (Number.isNaN(v)) {
        if (!Number.isNaN(decoded[h])) throw new Error(`NaN lost at 0x${h.toString(16)}`);
        continue;
      }
      if (!Object.is(decoded[h], v)) throw new Error(`array decode at 0x${h.toString(16)}`);
      if (float32ToBfloat16Bits(v) !== h) throw new Error(`round trip at 0x${h.toString(16)}`);
    }
  });

  it('rounds to nearest, ties to even, and overflows to infinity', () => {
    expect(float32ToBfloat16Bits(1 + 2 ** -8)).toBe(0x3f80); // tie, 0x3f80 is even
    expect(float32ToBfloat16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82); // tie between 0x3f81 and 0x3f82
    expect(float32ToBfloat16Bits(1 + 2 ** -8 + 2 ** -20)).toBe(0x3f81);
    expect(float32ToBfloat16Bits(3.4e38)).toBe(0x7f80);
    expect(float32ToBfloat16Bits(-3.4e38)).toBe(0xff80);
  });

  it('keeps NaN a quiet NaN with its sign', () => {
    const bits = float32ToBfloat16Bits(NaN);
    expect(Number.isNaN(bfloat16BitsToFloat32(bits))).toBe(true);
    expect(bits & 0x0040).toBe(0x0040);
  });
});
