import { describe, expect, it } from 'vitest';
import { copyToHostOrder, HOST_IS_LITTLE_ENDIAN, swapByteOrder, toLittleEndianBytes } from '../../../src/io/safetensors/littleEndian.js';

describe('littleEndian', () => {
  it('detects the host byte order the way DataView sees it', () => {
    const probe = new Uint32Array([0x01020304]);
    expect(new DataView(probe.buffer).getUint32(0, true) === 0x01020304).toBe(HOST_IS_LITTLE_ENDIAN);
  });

  it('swapByteOrder turns little-endian values into big-endian ones, for 2, 4 and 8-byte items', () => {
    for (const size of [2, 4, 8]) {
      const bytes = new Uint8Array(3 * size).map((_, i) => (i * 37 + 11) & 0xff);
      const view = new DataView(bytes.buffer);
      const read = (i: number, littleEndian: boolean): bigint =>
        size === 8
          ? view.getBigUint64(i * 8, littleEndian)
          : BigInt(size === 4 ? view.getUint32(i * 4, littleEndian) : view.getUint16(i * 2, littleEndian));
      const little = [0, 1, 2].map((i) => read(i, true));
      swapByteOrder(bytes, size);
      const big = [0, 1, 2].map((i) => read(i, false));
      expect(big).toEqual(little);
    }
    const one = new Uint8Array([1, 2, 3]);
    swapByteOrder(one, 1);
    expect([...one]).toEqual([1, 2, 3]);
  });

  it('copyToHostOrder and toLittleEndianBytes agree with DataView little-endian reads and writes', () => {
    const values = new Float32Array([1.5, -2, 3e-5]);
    const le = toLittleEndianBytes(values);
    const view = new DataView(le.buffer, le.byteOffset, le.byteLength);
    expect([0, 1, 2].map((i) => view.getFloat32(i * 4, true))).toEqual([...values]);
    const back = new Float32Array(copyToHostOrder(le, 4));
    expect(back).toEqual(values);
    expect(back.buffer).not.toBe(values.buffer);
  });
});
