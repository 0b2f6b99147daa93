import { describe, expect, it } from 'vitest';
import { float16BitsToFloat32 } from '../../../src/io/safetensors/float16.js';
import { float8E4m3BitsToFloat32, float8E5m2BitsToFloat32 } from '../../../src/io/safetensors/float8.js';

describe('float8E4m3BitsToFloat32', () => {
  it('decodes the OCP E4M3FN anchors', () => {
    expect(float8E4m3BitsToFloat32(0x38)).toBe(1);
    expect(float8E4m3BitsToFloat32(0x7e)).toBe(448);
    expect(float8E4m3BitsToFloat32(0xfe)).toBe(-448);
    expect(float8E4m3BitsToFloat32(0x01)).toBe(2 ** -9);
    expect(float8E4m3BitsToFloat32(0x08)).toBe(2 ** -6);
    expect(Object.is(float8E4m3BitsToFloat32(0x80), -0)).toBe(true);
    expect(float8E4m3BitsToFloat32(0x7f)).toBeNaN();
    expect(float8E4m3BitsToFloat32(0xff)).toBeNaN();
    expect(float8E4m3BitsToFloat32(0x78)).toBe(256); // no infinities in E4M3FN: exponent 15 is finite
  });

  it('is strictly increasing over the positive finite bytes', () => {
    for (let b = 1; b < 0x7f; b++) expect(float8E4m3BitsToFloat32(b)).toBeGreaterThan(float8E4m3BitsToFloat32(b - 1));
  });
});

describe('float8E5m2BitsToFloat32', () => {
  it('equals the half whose upper byte it is, for all 256 bytes', () => {
    for (let b = 0; b < 256; b++) {
      const want = float16BitsToFloat32(b << 8);
      const got = float8E5m2BitsToFloat32(b);
      if (Number.isNaN(want)) expect(got).toBeNaN();
      else expect(Object.is(got, want)).toBe(true);
    }
    expect(float8E5m2BitsToFloat32(0x7b)).toBe(57344);
  });
});
