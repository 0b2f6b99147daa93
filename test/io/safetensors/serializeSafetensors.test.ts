import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSafetensors } from '../../../src/io/safetensors/parseSafetensors.js';
import { SAFETENSORS_DTYPES, SAFETENSORS_ITEM_SIZE } from '../../../src/io/safetensors/safetensorsDtype.js';
import { SafetensorsError } from '../../../src/io/safetensors/safetensorsError.js';
import { serializeSafetensors } from '../../../src/io/safetensors/serializeSafetensors.js';
import { thrown } from './rawSafetensors.js';

const SPECIALS = [0, -0, 1, -1, 0.1, 65504, 1e-7, 2 ** -24, 2 ** -133, 1e38, Infinity, -Infinity, NaN];

function same(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

describe('serializeSafetensors', () => {
  it('writes the Hugging Face layout: 8-byte length, header padded to 8 with spaces, sorted by item size then name', () => {
    const bytes = serializeSafetensors(
      { b: { shape: [1], data: new Uint8Array([7]) }, a: { shape: [1], data: new Float32Array([1]) }, c: { shape: [1], data: new Float64Array([2]) } },
      { format: 'pt' },
    );
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(text.trimEnd()).toBe(
      '{"__metadata__":{"format":"pt"},"c":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},' +
        '"a":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},"b":{"dtype":"U8","shape":[1],"data_offsets":[12,13]}}',
    );
    expect(/^ *$/.test(text.slice(text.trimEnd().length))).toBe(true);
    expect(bytes.length).toBe(8 + n + 13);
    expect(new DataView(bytes.buffer).getFloat64(8 + n, true)).toBe(2);
  });

  it('round-trips F32, F64 and F16/BF16 special values (±0, ±Inf, NaN, subnormals) through parseSafetensors', () => {
    const f32 = new Float32Array(SPECIALS);
    const file = parseSafetensors(
      serializeSafetensors({
        f32: { shape: [SPECIALS.length], data: f32 },
        f64: { shape: [SPECIALS.length], data: new Float64Array(SPECIALS) },
        f16: { dtype: 'F16', shape: [SPECIALS.length], data: f32 },
        bf16: { dtype: 'BF16', shape: [SPECIALS.length], data: f32 },
      }),
    );
    expect(same(file.tensor('f32').data as Float32Array, f32)).toBe(true);
    expect(same(file.tensor('f64').data as Float64Array, SPECIALS)).toBe(true);
    const f16 = file.tensor('f16').data as Float32Array;
    // F16: 1e38 overflows to Inf, 2^-133 underflows to 0, 0.1 and 1e-7 round to the nearest half.
    expect([...f16.slice(0, 4)]).toEqual([0, -0, 1, -1]);
    expect(Object.is(f16[1], -0)).toBe(true);
    expect(f16[4]).toBe(0.0999755859375);
    expect(f16[5]).toBe(65504);
    expect(f16[6]).toBe(2 * 2 ** -24); // 1e-7 ≈ 1.68 · 2^-24 → 2 · 2^-24
    expect(f16[7]).toBe(2 ** -24);
    expect(f16[8]).toBe(0);
    expect(f16[9]).toBe(Infinity);
    expect([f16[10], f16[11]]).toEqual([Infinity, -Infinity]);
    expect(f16[12]).toBeNaN();
    const bf16 = file.tensor('bf16').data as Float32Array;
    expect(bf16[4]).toBe(0.10009765625);
    expect(bf16[8]).toBe(2 ** -133); // a bfloat16 subnormal survives
    expect(bf16[9]).toBe(9.969209968386869e37);
    expect(bf16[12]).toBeNaN();
  });

  it('round-trips every integer dtype at its range limits, and BOOL', () => {
    const cases = {
      I8: new Int8Array([-128, 0, 127]),
      U8: new Uint8Array([0, 1, 255]),
      I16: new Int16Array([-32768, 0, 32767]),
      U16: new Uint16Array([0, 1, 65535]),
      I32: new Int32Array([-2147483648, 0, 2147483647]),
      U32: new Uint32Array([0, 1, 4294967295]),
    };
    const file = parseSafetensors(
      serializeSafetensors({
        ...Object.fromEntries(Object.entries(cases).map(([k, v]) => [k, { shape: [3], data: v }])),
        I64: { shape: [3], data: new BigInt64Array([-(2n ** 63n), 0n, 2n ** 63n - 1n]) },
        U64: { shape: [3], data: new BigUint64Array([0n, 1n, 2n ** 64n - 1n]) },
        BOOL: { dtype: 'BOOL', shape: [3], data: [1, 0, 1] },
      }),
    );
    for (const [k, v] of Object.entries(cases)) {
      const t = file.tensor(k);
      expect(t.dtype).toBe(k);
      expect(t.data.constructor).toBe(v.constructor);
      expect([...t.data]).toEqual([...v]);
    }
    expect([...file.tensor('I64').data]).toEqual([-(2n ** 63n), 0n, 2n ** 63n - 1n]);
    expect([...file.tensor('U64').data]).toEqual([0n, 1n, 2n ** 64n - 1n]);
    expect(file.tensor('BOOL')).toMatchObject({ dtype: 'BOOL', data: new Uint8Array([1, 0, 1]) });
  });

  it('stores raw bytes for any dtype, e.g. FP8', () => {
    const file = parseSafetensors(
      serializeSafetensors({
        e4: { dtype: 'F8_E4M3', shape: [3], bytes: new Uint8Array([0x38, 0x7e, 0x7f]) },
        e5: { dtype: 'F8_E5M2', shape: [2], bytes: new Uint8Array([0x3c, 0x7c]) },
      }),
    );
    const e4 = file.tensor('e4').data;
    expect([e4[0], e4[1]]).toEqual([1, 448]);
    expect(e4[2]).toBeNaN();
    expect([...file.tensor('e5').data]).toEqual([1, Infinity]);
  });

  it('property: random float32 tensors round-trip bit-exactly, in any number and order', () => {
    const tensor = fc.tuple(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 })).chain(([shape]) => {
      const size = shape.reduce((a, b) => a * b, 1);
      return fc.record({
        shape: fc.constant(shape),
        data: fc.float32Array({ minLength: size, maxLength: size }),
      });
    });
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 6 }).filter((s) => s !== '__metadata__'), tensor, { maxKeys: 5 }), (tensors) => {
        const map = new Map(Object.entries(tensors));
        const file = parseSafetensors(serializeSafetensors(map));
        expect(file.size).toBe(map.size);
        for (const [name, t] of map) {
          const got = file.tensor(name);
          expect(got.shape).toEqual(t.shape);
          expect(same(got.data as Float32Array, t.data)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('every tensor starts at a multiple of its item size, so the file can be read zero-copy', () => {
    const tensors = Object.fromEntries(
      SAFETENSORS_DTYPES.map((d) => [`t_${d}`, { dtype: d, shape: [3], bytes: new Uint8Array(3 * SAFETENSORS_ITEM_SIZE[d]) }]),
    );
    const file = parseSafetensors(serializeSafetensors(tensors));
    for (const name of file.names) {
      const info = file.info(name);
      expect(info.byteOffset % SAFETENSORS_ITEM_SIZE[info.dtype]).toBe(0);
    }
  });

  it('writes an empty file for no tensors', () => {
    const bytes = serializeSafetensors({});
    expect(parseSafetensors(bytes).size).toBe(0);
    expect(bytes.length).toBe(8 + 8);
  });

  describe('rejects, naming the tensor and field', () => {
    const err = (fn: () => unknown): SafetensorsError => {
      const e = thrown(fn);
      expect(e).toBeInstanceOf(SafetensorsError);
      return e as SafetensorsError;
    };
    it('a wrong data length or shape', () => {
      const e = err(() => serializeSafetensors({ w: { shape: [2, 2], data: new Float32Array(3) } }));
      expect(e.message).toMatch(/tensor "w" field data has 3 values, shape \[2, 2\] needs 4/);
      expect(err(() => serializeSafetensors({ w: { shape: [-1], data: [] } })).field).toBe('shape');
      expect(err(() => serializeSafetensors({ w: { dtype: 'F32', shape: [2], bytes: new Uint8Array(7) } })).message).toMatch(/has 7 bytes, shape needs 8/);
    });
    it('values that do not fit an integer dtype, instead of truncating them', () => {
      expect(err(() => serializeSafetensors({ w: { dtype: 'U8', shape: [1], data: [256] } })).message).toMatch(/value 256 at index 0 is not an integer in \[0, 255\] for U8/);
      expect(err(() => serializeSafetensors({ w: { dtype: 'I32', shape: [2], data: [1, 1.5] } })).message).toMatch(/value 1.5 at index 1/);
      expect(err(() => serializeSafetensors({ w: { dtype: 'BOOL', shape: [1], data: [2] } })).message).toMatch(/for BOOL/);
      expect(err(() => serializeSafetensors({ w: { dtype: 'U64', shape: [1], data: [-1] } })).message).toMatch(/value -1 at index 0 is outside the U64 range/);
      expect(err(() => serializeSafetensors({ w: { dtype: 'I64', shape: [1], data: [0.5] } })).message).toMatch(/not an integer for I64/);
      expect(err(() => serializeSafetensors({ w: { dtype: 'F32', shape: [1], data: new BigInt64Array(1) } })).message).toMatch(/bigint values need an I64 or U64 dtype, not F32/);
      expect(err(() => serializeSafetensors({ w: { dtype: 'F16', shape: [1], data: [1n] } })).message).toMatch(/value at index 0 is not a number for F16/);
    });
    it('FP8 values, unknown dtypes, the reserved name and non-string metadata', () => {
      expect(err(() => serializeSafetensors({ w: { dtype: 'F8_E4M3', shape: [1], data: [1] } })).message).toMatch(/pass the stored bytes/);
      expect(err(() => serializeSafetensors({ w: { dtype: 'F4' as 'F32', shape: [1], data: [1] } })).field).toBe('dtype');
      expect(err(() => serializeSafetensors(new Map([['__metadata__', { shape: [0], data: [] }]]))).message).toMatch(/reserved/);
      expect(err(() => serializeSafetensors({}, { n: 3 as unknown as string })).field).toBe('__metadata__');
    });
  });
});
