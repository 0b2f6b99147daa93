import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSafetensors, SAFETENSORS_MAX_HEADER_BYTES } from '../../../src/io/safetensors/parseSafetensors.js';
import { SafetensorsError } from '../../../src/io/safetensors/safetensorsError.js';
import { serializeSafetensors } from '../../../src/io/safetensors/serializeSafetensors.js';
import { f32Bytes, rawSafetensors, thrown } from './rawSafetensors.js';

/** A valid two-tensor file written by hand, as the Python writer lays it out. */
function handMadeFile(): Uint8Array {
  const data = new Uint8Array([...f32Bytes([1, 2, 3, 4, 5, 6]), ...[0x00, 0x3c, 0x00, 0xc0]]); // F16 [1, -2]
  return rawSafetensors(
    {
      __metadata__: { format: 'pt' },
      weight: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] },
      bias: { dtype: 'F16', shape: [2], data_offsets: [24, 28] },
    },
    data,
  );
}

function expectError(bytes: Uint8Array, pattern: RegExp, tensor?: string, field?: string): SafetensorsError {
  const e = thrown(() => parseSafetensors(bytes));
  expect(e).toBeInstanceOf(SafetensorsError);
  const err = e as SafetensorsError;
  expect(err.message).toMatch(pattern);
  if (tensor !== undefined) expect(err.tensor).toBe(tensor);
  if (field !== undefined) expect(err.field).toBe(field);
  return err;
}

const F32_2 = { dtype: 'F32', shape: [2], data_offsets: [0, 8] };

describe('parseSafetensors', () => {
  it('reads a hand-made file: header, metadata, shapes and values', () => {
    const file = parseSafetensors(handMadeFile(), { name: 'hand.safetensors' });
    expect(file.source).toBe('hand.safetensors');
    expect(file.names).toEqual(['weight', 'bias']);
    expect(file.metadata).toEqual({ format: 'pt' });
    expect(file.info('bias')).toMatchObject({ dtype: 'F16', shape: [2], size: 2, dataOffsets: [24, 28], byteLength: 4 });
    expect(file.info('weight').byteOffset).toBe(8 + file.headerByteLength);
    const w = file.tensor('weight');
    expect(w.shape).toEqual([2, 3]);
    expect([...w.data]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...file.tensor('bias').data]).toEqual([1, -2]);
  });

  it('accepts an empty file header "{}", trailing space padding, null metadata and zero-size tensors', () => {
    expect(parseSafetensors(rawSafetensors('{}')).size).toBe(0);
    expect(parseSafetensors(rawSafetensors('{"__metadata__":null}   ')).size).toBe(0);
    const file = parseSafetensors(
      rawSafetensors(
        { empty: { dtype: 'F32', shape: [0, 5], data_offsets: [0, 0] }, x: F32_2, s: { dtype: 'F32', shape: [], data_offsets: [8, 12] } },
        f32Bytes([7, 8, 9]),
      ),
    );
    expect(file.tensor('empty').data.length).toBe(0);
    expect(file.tensor('empty').shape).toEqual([0, 5]);
    expect([...file.tensor('s').data]).toEqual([9]);
    expect(file.info('s').shape).toEqual([]);
  });

  it('keeps tensor names such as __proto__ and constructor as plain names', () => {
    const bytes = rawSafetensors(
      '{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"constructor":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}',
      f32Bytes([1, 2]),
    );
    const file = parseSafetensors(bytes);
    expect(file.names.sort()).toEqual(['__proto__', 'constructor']);
    expect([...file.tensor('__proto__').data]).toEqual([1]);
    expect(file.has('toString')).toBe(false);
  });

  it('decodes a tensor that is not aligned in the file', () => {
    const header = JSON.stringify({ x: F32_2 }) + ' '; // odd header length: the data starts unaligned
    const bytes = rawSafetensors(header.length % 4 === 0 ? header + ' ' : header, f32Bytes([1.5, -2.5]));
    expect([...parseSafetensors(bytes.subarray(0)).tensor('x').data]).toEqual([1.5, -2.5]);
    // and when the Uint8Array itself sits at an odd offset of its buffer
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    expect([...parseSafetensors(shifted.subarray(1)).tensor('x').data]).toEqual([1.5, -2.5]);
  });

  describe('rejects, naming the field and tensor', () => {
    it('a file shorter than 8 bytes', () => {
      expectError(new Uint8Array(0), /0 bytes is shorter than the 8-byte header length/);
      expectError(new Uint8Array(7), /7 bytes/);
    });

    it('a header length beyond the file, beyond the maximum, or below 2', () => {
      expectError(rawSafetensors('{}', new Uint8Array(0), { declaredLength: 3n }), /3 exceeds the 2 bytes/, undefined, 'header length');
      expectError(rawSafetensors('{}', new Uint8Array(0), { declaredLength: 2n ** 53n }), /9007199254740992 exceeds/);
      expectError(rawSafetensors('{}', new Uint8Array(0), { declaredLength: 2n ** 64n - 1n }), /18446744073709551615 exceeds/);
      expectError(rawSafetensors('{}', new Uint8Array(0), { declaredLength: 0n }), /0 is too short/);
      const big = rawSafetensors(`{${' '.repeat(98)}}`);
      expect(thrown(() => parseSafetensors(big, { maxHeaderBytes: 99 }))).toBeInstanceOf(SafetensorsError);
      expect((thrown(() => parseSafetensors(big, { maxHeaderBytes: 99 })) as Error).message).toMatch(/100 exceeds the maximum of 99/);
      expect(SAFETENSORS_MAX_HEADER_BYTES).toBe(100_000_000);
    });

    it('invalid UTF-8, a header not starting with "{", invalid JSON, and JSON that is not an object', () => {
      const bad = rawSafetensors('{"a":1}');
      bad[10] = 0xff;
      expectError(bad, /not valid UTF-8/, undefined, 'header');
      expectError(rawSafetensors(' {}'), /must start with "\{"/);
      expectError(rawSafetensors('\ufeff{}'), /must start with/);
      expectError(rawSafetensors('{"a":'), /not valid JSON/);
      expectError(rawSafetensors('[{}]'), /must start with/);
      expectError(rawSafetensors('{} {}'), /not valid JSON/);
    });

    it('metadata that is not a string map', () => {
      expectError(rawSafetensors({ __metadata__: { epochs: 3 } }), /value of "epochs" must be a string, got 3/, undefined, '__metadata__');
      expectError(rawSafetensors({ __metadata__: ['a'] }), /must be an object of strings/);
    });

    it('an entry that is not an object, a missing or unknown dtype', () => {
      expectError(rawSafetensors({ w: 5 }), /entry must be an object, got 5/, 'w');
      expectError(rawSafetensors({ w: { shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)), /must be a string, got undefined/, 'w', 'dtype');
      expectError(rawSafetensors({ w: { dtype: 'F4', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)), /"F4" is not supported/, 'w', 'dtype');
    });

    it('invalid shapes: not an array, negative, fractional, unsafe or too large for the data section', () => {
      const entry = (shape: unknown) => rawSafetensors({ w: { dtype: 'F32', shape, data_offsets: [0, 8] } }, new Uint8Array(8));
      expectError(entry(2), /must be an array, got 2/, 'w', 'shape');
      expectError(entry([-1]), /entry 0 must be a non-negative safe integer, got -1/, 'w', 'shape');
      expectError(entry([2, 0.5]), /entry 1 must be a non-negative safe integer, got 0.5/, 'w', 'shape');
      expectError(entry([2 ** 53]), /got 9007199254740992/, 'w', 'shape');
      expectError(entry(['2']), /got "2"/, 'w', 'shape');
      expectError(entry([2 ** 40, 2 ** 40]), /holds more F32 elements than the 8-byte data section/, 'w', 'shape');
      // a huge shape with a zero dimension is empty, so it must claim no bytes
      expectError(entry([2 ** 40, 2 ** 40, 0]), /spans 8 bytes but shape \[1099511627776, 1099511627776, 0\] of F32 needs 0/, 'w', 'data_offsets');
    });

    it('invalid offsets: malformed, reversed, out of range, or not matching the shape', () => {
      const entry = (data_offsets: unknown, shape = [2]) =>
        rawSafetensors({ w: { dtype: 'F32', shape, data_offsets } }, new Uint8Array(8));
      expectError(entry([0]), /two integers/, 'w', 'data_offsets');
      expectError(entry('0,8'), /two integers/, 'w', 'data_offsets');
      expectError(entry([0, 8.5]), /non-negative safe integers, got 8.5/, 'w', 'data_offsets');
      expectError(entry([-8, 8]), /got -8/, 'w', 'data_offsets');
      expectError(entry([8, 0]), /begin 8 is after end 0/, 'w', 'data_offsets');
      expectError(entry([8, 16]), /end 16 is beyond the 8-byte data section/, 'w', 'data_offsets');
      expectError(entry([0, 8], [1]), /spans 8 bytes but shape \[1\] of F32 needs 4/, 'w', 'data_offsets');
    });

    it('overlapping tensors, gaps, and data not covered by any tensor', () => {
      const a = { dtype: 'F32', shape: [2], data_offsets: [0, 8] };
      expectError(rawSafetensors({ a, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)), /overlaps tensor "a"/, 'b');
      expectError(rawSafetensors({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)), /leaves a gap/, 'a');
      expectError(rawSafetensors({ a }, new Uint8Array(12)), /the tensors cover 8 bytes but the data section has 12/, undefined, 'data section');
      expectError(rawSafetensors({ a, b: a }, new Uint8Array(8)), /\[0, 8\) overlaps tensor "a"/, 'b');
      const dup = JSON.stringify(a);
      // a duplicated key is refused (JSON.parse would keep its last value)
      expectError(rawSafetensors(`{"a":${dup},"a":${dup}}`, new Uint8Array(16)), /names "a" twice/);
    });
  });

  it('throws TypeError for a non-Uint8Array and an invalid maxHeaderBytes', () => {
    expect(() => parseSafetensors([1, 2, 3] as unknown as Uint8Array)).toThrow(/^parseSafetensors: bytes must be a Uint8Array, got an array of 3$/);
    expect(() => parseSafetensors(handMadeFile(), { maxHeaderBytes: 1 })).toThrow(/^parseSafetensors: options\.maxHeaderBytes must be an integer ≥ 2, got 1$/);
  });

  describe('fuzzing: any input parses or throws SafetensorsError, never anything else', () => {
    const onlySafetensorsErrors = (bytes: Uint8Array): void => {
      try {
        const file = parseSafetensors(bytes, { maxHeaderBytes: 4096 });
        for (const name of file.names) file.tensor(name);
      } catch (e) {
        if (!(e instanceof SafetensorsError)) throw e;
      }
    };
    const valid = serializeSafetensors(
      {
        a: { shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) },
        b: { dtype: 'BF16', shape: [3], data: [1, -1, 0.5] },
        c: { shape: [2], data: new BigInt64Array([1n, -1n]) },
        d: { dtype: 'F8_E4M3', shape: [2], bytes: new Uint8Array([0x38, 0x7f]) },
      },
      { k: 'v' },
    );

    it('every truncation of a valid file is rejected', () => {
      expect(parseSafetensors(valid).size).toBe(4);
      for (let n = 0; n < valid.length; n++) {
        const e = thrown(() => parseSafetensors(valid.subarray(0, n)));
        if (!(e instanceof SafetensorsError)) throw new Error(`truncation to ${n} bytes gave ${String(e)}`);
      }
    });

    it('mutated header lengths', () => {
      const view = new DataView(valid.buffer.slice(0));
      const original = view.getBigUint64(0, true);
      const lengths = [0n, 1n, 2n, original - 1n, original + 1n, BigInt(valid.length), 2n ** 31n, 2n ** 32n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n];
      for (const len of lengths) {
        const copy = valid.slice();
        new DataView(copy.buffer).setBigUint64(0, len, true);
        onlySafetensorsErrors(copy);
        expect(thrown(() => parseSafetensors(copy))).toBeInstanceOf(SafetensorsError);
      }
    });

    it('random bytes', () => {
      fc.assert(fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => onlySafetensorsErrors(bytes)), { numRuns: 500 });
    });

    it('random bytes behind a plausible header length', () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 2, maxLength: 256 }), fc.integer({ min: 0, max: 64 }), (body, extra) => {
          const len = Math.max(0, body.length - extra);
          const bytes = new Uint8Array(8 + body.length);
          new DataView(bytes.buffer).setBigUint64(0, BigInt(len), true);
          bytes.set(body, 8);
          bytes[8] = 0x7b;
          onlySafetensorsErrors(bytes);
        }),
        { numRuns: 500 },
      );
    });

    it('random JSON headers', () => {
      const value = fc.oneof(
        fc.constantFrom('F32', 'F16', 'BF16', 'I64', 'U8', 'BOOL', 'F8_E5M2', 'X'),
        fc.integer({ min: -2, max: 40 }),
        fc.constantFrom(2 ** 53, 2 ** 60, 1e300, -0, 0.5, NaN),
        fc.string({ maxLength: 4 }),
        fc.constant(null),
      );
      const entry = fc.record(
        {
          dtype: value,
          shape: fc.oneof(fc.array(value, { maxLength: 4 }), value),
          data_offsets: fc.oneof(fc.array(value, { maxLength: 3 }), fc.tuple(fc.nat(40), fc.nat(40))),
        },
        { requiredKeys: [] },
      );
      const header = fc.dictionary(fc.oneof(fc.string({ maxLength: 3 }), fc.constant('__metadata__')), fc.oneof(entry, value, fc.dictionary(fc.string({ maxLength: 2 }), value)), { maxKeys: 4 });
      fc.assert(
        fc.property(header, fc.uint8Array({ maxLength: 48 }), (h, data) => onlySafetensorsErrors(rawSafetensors(h, data))),
        { numRuns: 1000 },
      );
    });

    it('byte mutations of a valid file', () => {
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (edits) => {
          const copy = valid.slice();
          for (const [at, b] of edits) copy[at] = b;
          onlySafetensorsErrors(copy);
        }),
        { numRuns: 1000 },
      );
    });
  });
});

describe('parseSafetensors: duplicate header keys', () => {
  const tensor = { dtype: 'F32', shape: [1], data_offsets: [0, 4] };
  it.each([
    ['a tensor', `{"w":${JSON.stringify(tensor)},"w":${JSON.stringify(tensor)}}`, '"w"'],
    ['__metadata__', `{"__metadata__":{"a":"1"},"w":${JSON.stringify(tensor)},"__metadata__":{"a":"2"}}`, '"__metadata__"'],
  ])('refuses %s named twice (JSON.parse would keep the last)', (_what, header, name) => {
    const e = thrown(() => parseSafetensors(rawSafetensors(header, f32Bytes([1])), { name: 'dup.safetensors' }));
    expect(e).toBeInstanceOf(SafetensorsError);
    expect((e as Error).message).toContain(`dup.safetensors`);
    expect((e as Error).message).toContain(`names ${name} twice`);
  });
  it('accepts the same key in nested objects and in strings', () => {
    const header = `{"__metadata__":{"w":"w"},"w":${JSON.stringify(tensor)}}`;
    expect(parseSafetensors(rawSafetensors(header, f32Bytes([1]))).metadata).toEqual({ w: 'w' });
  });
});
