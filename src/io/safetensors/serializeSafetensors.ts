import { float32ToBfloat16Bits } from './bfloat16.js';
import { float32ToFloat16Bits } from './float16.js';
import { toLittleEndianBytes } from './littleEndian.js';
import { isSafetensorsDtype, SAFETENSORS_ITEM_SIZE } from './safetensorsDtype.js';
import type { SafetensorsDtype } from './safetensorsDtype.js';
import { SafetensorsError } from './safetensorsError.js';

/**
 * A tensor to write with {@link serializeSafetensors}: values to encode, or raw little-endian bytes.
 *
 * - `{ shape, data, dtype? }`: `data` has product(shape) values, row-major. `dtype` defaults from the array
 *   type (`Float32Array` → F32, `Float64Array` → F64, `Int32Array` → I32, `Uint8Array` → U8, `BigInt64Array` →
 *   I64, …; a plain array → F32). F16 and BF16 round float values to nearest, ties to even; integer dtypes
 *   require integers in range (no silent truncation); BOOL requires 0 or 1; I64/U64 take bigints or safe
 *   integers. F8 dtypes need `bytes`.
 * - `{ shape, dtype, bytes }`: the stored bytes as they go into the file, product(shape) · item size long.
 */
export type SafetensorsTensorInput =
  | {
      dtype?: SafetensorsDtype;
      shape: readonly number[];
      data: ArrayLike<number> | ArrayLike<bigint>;
    }
  | { dtype: SafetensorsDtype; shape: readonly number[]; bytes: Uint8Array };

const SOURCE = 'serializeSafetensors';

/**
 * Write tensors in the safetensors format (Hugging Face), readable by {@link parseSafetensors} and by the
 * Python `safetensors` package.
 *
 * As the Python writer does, tensors are laid out by decreasing item size, then name, and the JSON header
 * is padded with spaces to a multiple of 8 bytes, so every tensor starts at a multiple of its item size.
 *
 * @param tensors - name → tensor (a `Map` keeps any name, `__metadata__` excepted)
 * @param metadata - string → string pairs stored as `__metadata__`. Defaults to none (no `__metadata__` key).
 * @returns the file bytes
 * @throws {@link SafetensorsError} naming the tensor and field when a shape, length, dtype or value is invalid
 * @example
 * const bytes = serializeSafetensors(
 *   { 'fc.weight': { shape: [2, 3], data: new Float32Array(6) }, 'fc.bias': { dtype: 'F16', shape: [2], data: [0.5, 1] } },
 *   { format: 'pt' },
 * );
 */
export function serializeSafetensors(
  tensors: Readonly<Record<string, SafetensorsTensorInput>> | ReadonlyMap<string, SafetensorsTensorInput>,
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  const list: [string, SafetensorsTensorInput][] =
    tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors as Record<string, SafetensorsTensorInput>);
  const encoded: { name: string; dtype: SafetensorsDtype; shape: number[]; bytes: Uint8Array }[] = [];
  for (const [name, input] of list) {
    if (name === '__metadata__') throw new SafetensorsError(SOURCE, 'the name __metadata__ is reserved', { tensor: name });
    encoded.push(encodeTensor(name, input));
  }
  encoded.sort(
    (a, b) =>
      SAFETENSORS_ITEM_SIZE[b.dtype] - SAFETENSORS_ITEM_SIZE[a.dtype] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );

  const header: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  if (metadata !== undefined) {
    const meta: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') {
        throw new SafetensorsError(SOURCE, `value of ${JSON.stringify(k)} must be a string, got ${typeof v}`, {
          field: '__metadata__',
        });
      }
      meta[k] = v;
    }
    header.__metadata__ = meta;
  }
  let offset = 0;
  for (const t of encoded) {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.length] };
    offset += t.bytes.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil((8 + json.length) / 8) * 8 - 8;
  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded);
  let at = 8 + padded;
  for (const t of encoded) {
    out.set(t.bytes, at);
    at += t.bytes.length;
  }
  return out;
}

function encodeTensor(
  name: string,
  input: SafetensorsTensorInput,
): { name: string; dtype: SafetensorsDtype; shape: number[]; bytes: Uint8Array } {
  const fail = (field: string, reason: string): SafetensorsError => new SafetensorsError(SOURCE, reason, { tensor: name, field });
  if (typeof input !== 'object' || input === null) throw fail('tensor', 'must be an object');
  if (!Array.isArray(input.shape)) throw fail('shape', 'must be an array');
  const shape = [...input.shape];
  let size = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw fail('shape', `entries must be non-negative integers, got ${String(d)}`);
    size *= d;
  }
  if (!Number.isSafeInteger(size)) throw fail('shape', `[${shape.join(', ')}] has too many elements`);

  if ('bytes' in input) {
    if (!isSafetensorsDtype(input.dtype)) throw fail('dtype', `${String(input.dtype)} is not supported`);
    if (!(input.bytes instanceof Uint8Array)) throw fail('bytes', 'must be a Uint8Array');
    const need = size * SAFETENSORS_ITEM_SIZE[input.dtype];
    if (input.bytes.length !== need) throw fail('bytes', `has ${input.bytes.length} bytes, shape needs ${need}`);
    return { name, dtype: input.dtype, shape, bytes: input.bytes };
  }
  const data = input.data;
  if (data === null || typeof data !== 'object' || typeof data.length !== 'number') {
    throw fail('data', 'must be an array or typed array');
  }
  const dtype = input.dtype ?? inferDtype(data);
  if (!isSafetensorsDtype(dtype)) throw fail('dtype', `${String(dtype)} is not supported`);
  if (data.length !== size) throw fail('data', `has ${data.length} values, shape [${shape.join(', ')}] needs ${size}`);
  return { name, dtype, shape, bytes: encodeValues(data, dtype, fail) };
}

function inferDtype(data: object): SafetensorsDtype {
  if (data instanceof Float64Array) return 'F64';
  if (data instanceof Int32Array) return 'I32';
  if (data instanceof Uint32Array) return 'U32';
  if (data instanceof Int16Array) return 'I16';
  if (data instanceof Uint16Array) return 'U16';
  if (data instanceof Int8Array) return 'I8';
  if (data instanceof Uint8Array) return 'U8';
  if (data instanceof BigInt64Array) return 'I64';
  if (data instanceof BigUint64Array) return 'U64';
  return 'F32';
}

const INT_RANGE: Partial<Record<SafetensorsDtype, [number, number]>> = {
  I32: [-2147483648, 2147483647],
  U32: [0, 4294967295],
  I16: [-32768, 32767],
  U16: [0, 65535],
  I8: [-128, 127],
  U8: [0, 255],
  BOOL: [0, 1],
};

function encodeValues(
  data: ArrayLike<number> | ArrayLike<bigint>,
  dtype: SafetensorsDtype,
  fail: (field: string, reason: string) => SafetensorsError,
): Uint8Array {
  const n = data.length;
  if (dtype === 'I64' || dtype === 'U64') {
    const out = dtype === 'I64' ? new BigInt64Array(n) : new BigUint64Array(n);
    const [lo, hi] = dtype === 'I64' ? [-(2n ** 63n), 2n ** 63n - 1n] : [0n, 2n ** 64n - 1n];
    for (let i = 0; i < n; i++) {
      const v: unknown = data[i];
      let b: bigint;
      if (typeof v === 'bigint') b = v;
      else if (typeof v === 'number' && Number.isSafeInteger(v)) b = BigInt(v);
      else throw fail('data', `value ${String(v)} at index ${i} is not an integer for ${dtype}`);
      if (b < lo || b > hi) throw fail('data', `value ${b} at index ${i} is outside the ${dtype} range`);
      out[i] = b;
    }
    return toLittleEndianBytes(out);
  }
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    throw fail('data', `bigint values need an I64 or U64 dtype, not ${dtype}`);
  }
  const numbers = data as ArrayLike<number>;
  if (!ArrayBuffer.isView(numbers)) {
    for (let i = 0; i < n; i++) {
      if (typeof numbers[i] !== 'number') throw fail('data', `value at index ${i} is not a number for ${dtype}`);
    }
  }
  switch (dtype) {
    case 'F64':
      return toLittleEndianBytes(Float64Array.from(numbers));
    case 'F32':
      return toLittleEndianBytes(numbers instanceof Float32Array ? numbers : Float32Array.from(numbers));
    case 'F16':
    case 'BF16': {
      const encode = dtype === 'F16' ? float32ToFloat16Bits : float32ToBfloat16Bits;
      const out = new Uint16Array(n);
      for (let i = 0; i < n; i++) out[i] = encode(numbers[i]!);
      return toLittleEndianBytes(out);
    }
    case 'F8_E4M3':
    case 'F8_E5M2':
      throw fail('data', `encoding ${dtype} values is not supported: pass the stored bytes as { dtype, shape, bytes }`);
    default: {
      const [lo, hi] = INT_RANGE[dtype]!;
      for (let i = 0; i < n; i++) {
        const v = numbers[i]!;
        if (!Number.isInteger(v) || v < lo || v > hi) {
          throw fail('data', `value ${v} at index ${i} is not an integer in [${lo}, ${hi}] for ${dtype}`);
        }
      }
      const Ctor = {
        I32: Int32Array,
        U32: Uint32Array,
        I16: Int16Array,
        U16: Uint16Array,
        I8: Int8Array,
        U8: Uint8Array,
        BOOL: Uint8Array,
      }[dtype as 'I32'];
      return toLittleEndianBytes(Ctor.from(numbers));
    }
  }
}
