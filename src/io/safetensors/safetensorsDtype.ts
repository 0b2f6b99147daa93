/**
 * The element types of the safetensors format (Hugging Face), as written in the header's `dtype` field.
 *
 * Decoded as (see {@link SafetensorsData}):
 * - `F32` → `Float32Array`; `F16`, `BF16`, `F8_E4M3`, `F8_E5M2` → `Float32Array` (exact: every value of these
 *   formats, including ±0, ±Inf, NaN and subnormals, is a float32); `F64` → `Float64Array`;
 * - `I8`/`U8`/`I16`/`U16`/`I32`/`U32` → the typed array of the same name; `BOOL` → `Uint8Array` (0 or 1 as stored);
 * - `I64`/`U64` → `BigInt64Array`/`BigUint64Array`, or `Int32Array` with `int64: 'int32'` (range-checked).
 */
export type SafetensorsDtype =
  | 'F64'
  | 'F32'
  | 'F16'
  | 'BF16'
  | 'F8_E4M3'
  | 'F8_E5M2'
  | 'I64'
  | 'U64'
  | 'I32'
  | 'U32'
  | 'I16'
  | 'U16'
  | 'I8'
  | 'U8'
  | 'BOOL';

/** Bytes per element of each {@link SafetensorsDtype}. */
export const SAFETENSORS_ITEM_SIZE: Readonly<Record<SafetensorsDtype, number>> = Object.freeze({
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  F8_E4M3: 1,
  F8_E5M2: 1,
  I64: 8,
  U64: 8,
  I32: 4,
  U32: 4,
  I16: 2,
  U16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
});

/** Every supported {@link SafetensorsDtype}. */
export const SAFETENSORS_DTYPES: readonly SafetensorsDtype[] = Object.freeze(
  Object.keys(SAFETENSORS_ITEM_SIZE) as SafetensorsDtype[],
);

/**
 * True when `value` is a supported {@link SafetensorsDtype} name.
 *
 * @example
 * isSafetensorsDtype('BF16'); // true
 * isSafetensorsDtype('F4'); // false (not supported)
 */
export function isSafetensorsDtype(value: unknown): value is SafetensorsDtype {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(SAFETENSORS_ITEM_SIZE, value);
}

/** The typed array a decoded safetensors tensor holds (see {@link SafetensorsDtype}). */
export type SafetensorsData =
  | Float64Array
  | Float32Array
  | BigInt64Array
  | BigUint64Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array;
