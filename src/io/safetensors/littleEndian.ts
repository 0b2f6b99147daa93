/** True when the host stores multi-byte numbers little-endian (all mainstream CPUs). */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * A copy of `bytes` in a fresh, aligned `ArrayBuffer`, byte-swapped in groups of `itemSize` on big-endian
 * hosts so that typed-array views of it read the little-endian values of the file.
 *
 * @param bytes - little-endian element bytes, length a multiple of `itemSize`
 * @param itemSize - 1, 2, 4 or 8
 * @returns a new buffer of `bytes.length` bytes in host order
 */
export function copyToHostOrder(bytes: Uint8Array, itemSize: number): ArrayBuffer {
  const copy = bytes.slice();
  if (!HOST_IS_LITTLE_ENDIAN && itemSize > 1) swapByteOrder(copy, itemSize);
  return copy.buffer;
}

/**
 * The bytes of a typed array in little-endian order (a view when the host is little-endian, a swapped copy
 * otherwise).
 *
 * @param array - any typed array
 * @returns its bytes, `array.byteLength` long
 */
export function toLittleEndianBytes(array: ArrayBufferView & { BYTES_PER_ELEMENT: number }): Uint8Array {
  const view = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  if (HOST_IS_LITTLE_ENDIAN || array.BYTES_PER_ELEMENT === 1) return view;
  const copy = view.slice();
  swapByteOrder(copy, array.BYTES_PER_ELEMENT);
  return copy;
}

/**
 * Reverse the byte order of each `itemSize`-byte group in place (little- ↔ big-endian).
 *
 * @param bytes - length a multiple of `itemSize`
 * @param itemSize - bytes per element, ≥ 1
 */
export function swapByteOrder(bytes: Uint8Array, itemSize: number): void {
  for (let i = 0; i < bytes.length; i += itemSize) {
    for (let a = i, b = i + itemSize - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}
