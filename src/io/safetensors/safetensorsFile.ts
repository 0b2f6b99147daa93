import { bfloat16ArrayToFloat32 } from './bfloat16.js';
import { float16ArrayToFloat32 } from './float16.js';
import { float8E4m3BitsToFloat32, float8E5m2BitsToFloat32 } from './float8.js';
import { copyToHostOrder } from './littleEndian.js';
import type { SafetensorsData, SafetensorsDtype } from './safetensorsDtype.js';
import { SafetensorsError } from './safetensorsError.js';

/** Where one tensor lies in a safetensors file, as validated from its header. */
export interface SafetensorsTensorInfo {
  /** The tensor name (any string, e.g. `layer1.0.conv1.weight`). */
  readonly name: string;
  /** The stored element type. */
  readonly dtype: SafetensorsDtype;
  /** The shape, non-negative safe integers; `[]` is a scalar. */
  readonly shape: readonly number[];
  /** Number of elements, the product of `shape` (1 for a scalar). */
  readonly size: number;
  /** `data_offsets` of the header: [begin, end) within the data section. */
  readonly dataOffsets: readonly [number, number];
  /** Offset of the first byte within the whole file. */
  readonly byteOffset: number;
  /** Number of bytes, `size · itemSize`. */
  readonly byteLength: number;
}

/** One decoded tensor. */
export interface SafetensorsTensor {
  /** The tensor name. */
  name: string;
  /** The stored element type (the data may be converted, see {@link SafetensorsDtype}). */
  dtype: SafetensorsDtype;
  /** The shape; `data.length` is its product. */
  shape: number[];
  /** The values, row-major (C order), in a buffer of its own. */
  data: SafetensorsData;
}

/** Options of {@link SafetensorsFile.tensor}. */
export interface DecodeSafetensorOptions {
  /**
   * How `I64`/`U64` tensors are returned: `'bigint'` as `BigInt64Array`/`BigUint64Array`, `'int32'` as an
   * `Int32Array` (tfjs has no int64), an error naming the tensor and index when a value is outside
   * [−2³¹, 2³¹ − 1]. Defaults to `'bigint'`.
   */
  int64?: 'bigint' | 'int32';
}

/**
 * A parsed safetensors file: the validated header, with tensors decoded on demand from the bytes it keeps.
 * Made by {@link parseSafetensors} or {@link readSafetensors}.
 *
 * Decoding copies the tensor's bytes into a buffer of its own (aligned, host byte order), so results are
 * independent of the file bytes and of each other.
 *
 * @example
 * const file = parseSafetensors(bytes);
 * for (const name of file.names) console.log(name, file.info(name).shape);
 * const w = file.tensor('conv1.weight'); // { dtype: 'F32', shape: [64, 3, 7, 7], data: Float32Array }
 */
export class SafetensorsFile {
  /** Name of the file or buffer, used in error messages. */
  readonly source: string;
  /** The `__metadata__` string map of the header (empty when absent). Null-prototype, frozen. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Length of the JSON header in bytes (the 8-byte length prefix excluded). */
  readonly headerByteLength: number;
  readonly #bytes: Uint8Array;
  readonly #infos: ReadonlyMap<string, SafetensorsTensorInfo>;

  /**
   * Use {@link parseSafetensors}: this constructor trusts its arguments.
   *
   * @param bytes - the whole file
   * @param source - name for error messages
   * @param infos - validated tensor entries, in data order
   * @param metadata - validated `__metadata__`
   * @param headerByteLength - JSON header length
   */
  constructor(
    bytes: Uint8Array,
    source: string,
    infos: ReadonlyMap<string, SafetensorsTensorInfo>,
    metadata: Readonly<Record<string, string>>,
    headerByteLength: number,
  ) {
    this.#bytes = bytes;
    this.source = source;
    this.#infos = infos;
    this.metadata = metadata;
    this.headerByteLength = headerByteLength;
  }

  /** Tensor names in data order (the order of their bytes in the file). */
  get names(): string[] {
    return [...this.#infos.keys()];
  }

  /** Number of tensors. */
  get size(): number {
    return this.#infos.size;
  }

  /** True when the file has a tensor called `name`. */
  has(name: string): boolean {
    return this.#infos.has(name);
  }

  /**
   * Where the tensor `name` lies, without decoding it.
   *
   * @throws {@link SafetensorsError} naming the tensor when there is none of that name
   */
  info(name: string): SafetensorsTensorInfo {
    const info = this.#infos.get(name);
    if (info === undefined) throw new SafetensorsError(this.source, 'no such tensor in the file', { tensor: name });
    return info;
  }

  /**
   * Decode one tensor (see {@link SafetensorsDtype} for the array types).
   *
   * @param name - the tensor name
   * @param options - see {@link DecodeSafetensorOptions}
   * @returns the tensor, its data in a new buffer
   * @throws {@link SafetensorsError} naming the tensor when it is missing or an `int64: 'int32'` value is out of range
   */
  tensor(name: string, options: DecodeSafetensorOptions = {}): SafetensorsTensor {
    const info = this.info(name);
    const bytes = this.#bytes.subarray(info.byteOffset, info.byteOffset + info.byteLength);
    return { name, dtype: info.dtype, shape: [...info.shape], data: this.#decode(info, bytes, options.int64 ?? 'bigint') };
  }

  /**
   * Decode every tensor.
   *
   * @param options - see {@link DecodeSafetensorOptions}
   * @returns name → tensor, in data order
   */
  tensors(options: DecodeSafetensorOptions = {}): Map<string, SafetensorsTensor> {
    const out = new Map<string, SafetensorsTensor>();
    for (const name of this.#infos.keys()) out.set(name, this.tensor(name, options));
    return out;
  }

  #decode(info: SafetensorsTensorInfo, bytes: Uint8Array, int64: 'bigint' | 'int32'): SafetensorsData {
    switch (info.dtype) {
      case 'F64':
        return new Float64Array(copyToHostOrder(bytes, 8));
      case 'F32':
        return new Float32Array(copyToHostOrder(bytes, 4));
      case 'F16':
        return float16ArrayToFloat32(new Uint16Array(copyToHostOrder(bytes, 2)));
      case 'BF16':
        return bfloat16ArrayToFloat32(new Uint16Array(copyToHostOrder(bytes, 2)));
      case 'F8_E4M3':
        return Float32Array.from(bytes, float8E4m3BitsToFloat32);
      case 'F8_E5M2':
        return Float32Array.from(bytes, float8E5m2BitsToFloat32);
      case 'I64':
      case 'U64': {
        const wide =
          info.dtype === 'I64'
            ? new BigInt64Array(copyToHostOrder(bytes, 8))
            : new BigUint64Array(copyToHostOrder(bytes, 8));
        return int64 === 'bigint' ? wide : this.#toInt32(info.name, wide);
      }
      case 'I32':
        return new Int32Array(copyToHostOrder(bytes, 4));
      case 'U32':
        return new Uint32Array(copyToHostOrder(bytes, 4));
      case 'I16':
        return new Int16Array(copyToHostOrder(bytes, 2));
      case 'U16':
        return new Uint16Array(copyToHostOrder(bytes, 2));
      case 'I8':
        return new Int8Array(copyToHostOrder(bytes, 1));
      case 'U8':
      case 'BOOL':
        return new Uint8Array(copyToHostOrder(bytes, 1));
    }
  }

  #toInt32(name: string, wide: BigInt64Array | BigUint64Array): Int32Array {
    const out = new Int32Array(wide.length);
    for (let i = 0; i < wide.length; i++) {
      const v = wide[i]!;
      if (v < -2147483648n || v > 2147483647n) {
        throw new SafetensorsError(this.source, `value ${v} at index ${i} is outside the int32 range`, { tensor: name });
      }
      out[i] = Number(v);
    }
    return out;
  }
}
