import { describe, expect, it } from 'vitest';
import { parseSafetensors } from '../../../src/io/safetensors/parseSafetensors.js';
import { SafetensorsError } from '../../../src/io/safetensors/safetensorsError.js';
import { serializeSafetensors } from '../../../src/io/safetensors/serializeSafetensors.js';
import { thrown } from './rawSafetensors.js';

const bytes = serializeSafetensors(
  {
    w: { shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) },
    idx: { shape: [3], data: new BigInt64Array([-5n, 0n, 2147483647n]) },
    big: { shape: [1], data: new BigInt64Array([2n ** 31n]) },
  },
  { note: 'test' },
);

describe('SafetensorsFile', () => {
  it('lists names in data order and reports infos without decoding', () => {
    const file = parseSafetensors(bytes);
    expect(file.names).toEqual(['big', 'idx', 'w']); // item size 8 first, then by name
    expect(file.size).toBe(3);
    expect(file.has('w')).toBe(true);
    expect(file.info('w')).toMatchObject({ dtype: 'F32', shape: [2, 2], size: 4, byteLength: 16 });
    expect(file.metadata.note).toBe('test');
    expect(Object.isFrozen(file.metadata)).toBe(true);
  });

  it('decodes into buffers of its own: changing the result or the file bytes does not leak', () => {
    const copy = bytes.slice();
    const file = parseSafetensors(copy);
    const a = file.tensor('w');
    a.data[0] = 99;
    a.shape[0] = 7;
    const b = file.tensor('w');
    expect([...b.data]).toEqual([1, 2, 3, 4]);
    expect(b.shape).toEqual([2, 2]);
    expect(b.data.buffer).not.toBe(copy.buffer);
    expect(b.data.byteOffset).toBe(0);
  });

  it('returns I64 as BigInt64Array by default and as Int32Array on request, range-checked', () => {
    const file = parseSafetensors(bytes);
    expect(file.tensor('idx').data).toEqual(new BigInt64Array([-5n, 0n, 2147483647n]));
    expect(file.tensor('idx', { int64: 'int32' }).data).toEqual(new Int32Array([-5, 0, 2147483647]));
    const e = thrown(() => file.tensor('big', { int64: 'int32' }));
    expect(e).toBeInstanceOf(SafetensorsError);
    expect((e as SafetensorsError).tensor).toBe('big');
    expect((e as Error).message).toMatch(/value 2147483648 at index 0 is outside the int32 range/);
  });

  it('decodes every tensor with tensors()', () => {
    const all = parseSafetensors(bytes).tensors();
    expect([...all.keys()]).toEqual(['big', 'idx', 'w']);
    expect(all.get('w')!.data).toEqual(new Float32Array([1, 2, 3, 4]));
    expect(all.get('big')!.data).toEqual(new BigInt64Array([2n ** 31n]));
    // the int32 conversion applies to every tensor, so one out-of-range value fails the whole call
    expect(() => parseSafetensors(bytes).tensors({ int64: 'int32' })).toThrow(/tensor "big"/);
  });

  it('names a missing tensor', () => {
    const file = parseSafetensors(bytes, { name: 'model.safetensors' });
    const e = thrown(() => file.tensor('fc.weight')) as SafetensorsError;
    expect(e).toBeInstanceOf(SafetensorsError);
    expect(e.message).toBe('safetensors model.safetensors: tensor "fc.weight" no such tensor in the file');
    expect(() => file.info('nope')).toThrow(SafetensorsError);
  });
});
