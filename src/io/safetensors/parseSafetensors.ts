import { duplicateJsonKey } from './duplicateJsonKey.js';
import { isSafetensorsDtype, SAFETENSORS_ITEM_SIZE } from './safetensorsDtype.js';
import { SafetensorsError } from './safetensorsError.js';
import { SafetensorsFile } from './safetensorsFile.js';
import type { SafetensorsTensorInfo } from './safetensorsFile.js';
import { checkInteger, checkThat } from '../../core/index.js';

/** Largest JSON header accepted by default, in bytes (the limit of the reference Rust implementation). */
export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000;

/** Options of {@link parseSafetensors}. */
export interface ParseSafetensorsOptions {
  /**
   * Largest JSON header accepted, in bytes; a longer declared header is an error before anything is
   * allocated. Defaults to {@link SAFETENSORS_MAX_HEADER_BYTES} (100,000,000).
   */
  maxHeaderBytes?: number;
  /** Name of the file or buffer in error messages. Defaults to `<N bytes>`. */
  name?: string;
}

const METADATA_KEY = '__metadata__';
const OPEN_BRACE = 0x7b;

/**
 * Parse a safetensors file (Hugging Face format) and validate its header; tensors are decoded on demand
 * with {@link SafetensorsFile.tensor}.
 *
 * Layout: an 8-byte little-endian unsigned header length N, N bytes of UTF-8 JSON
 * `{"<name>": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, …, "__metadata__": {"k": "v"}}`
 * (optionally padded with spaces), then the data section: each tensor's row-major little-endian bytes at
 * [begin, end) relative to the start of the data section.
 *
 * Checks (each failure is a {@link SafetensorsError} naming the tensor and field): file ≥ 8 bytes;
 * 2 ≤ N ≤ file size − 8 and N ≤ `maxHeaderBytes`; the header is valid UTF-8, starts with `{` and is a JSON
 * object; `__metadata__`, when present, maps strings to strings; every tensor has a supported `dtype`, a
 * `shape` of non-negative safe integers and `data_offsets` of two non-negative safe integers
 * with begin ≤ end; end − begin = product(shape) · item size; the tensors, sorted by offset, tile the data
 * section exactly (no overlap, no gap, last end = data length). Nothing is allocated from an unchecked size,
 * so a hostile or truncated file costs at most its header in memory. Unknown fields inside a tensor entry
 * are ignored; a key that appears twice in the header (a tensor or `__metadata__`) is refused.
 *
 * @param bytes - the whole file; kept (not copied) by the result, so do not modify it afterwards
 * @param options - see {@link ParseSafetensorsOptions}
 * @returns the parsed file, tensors in data order
 * @throws {@link SafetensorsError} for any malformed input
 * @throws TypeError when `bytes` is not a `Uint8Array`
 * @example
 * const file = parseSafetensors(new Uint8Array(await readFile('resnet18.safetensors')));
 * const w = file.tensor('conv1.weight'); // { dtype: 'F32', shape: [64, 3, 7, 7], data: Float32Array(9408) }
 */
export function parseSafetensors(bytes: Uint8Array, options: ParseSafetensorsOptions = {}): SafetensorsFile {
  checkThat(bytes instanceof Uint8Array, 'parseSafetensors', 'bytes', 'a Uint8Array', bytes);
  const source = options.name ?? `<${bytes.length} bytes>`;
  const maxHeaderBytes = checkInteger('parseSafetensors', 'options.maxHeaderBytes', options.maxHeaderBytes ?? SAFETENSORS_MAX_HEADER_BYTES, { min: 2 });
  const fail = (reason: string, tensor?: string, field?: string): SafetensorsError =>
    new SafetensorsError(source, reason, {
      ...(tensor === undefined ? {} : { tensor }),
      ...(field === undefined ? {} : { field }),
    });

  if (bytes.length < 8) throw fail(`file of ${bytes.length} bytes is shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  const available = bytes.length - 8;
  if (declared > BigInt(available)) {
    throw fail(`${declared} exceeds the ${available} bytes after the length prefix (truncated file?)`, undefined, 'header length');
  }
  const headerLength = Number(declared);
  if (headerLength > maxHeaderBytes) {
    throw fail(`${headerLength} exceeds the maximum of ${maxHeaderBytes} bytes`, undefined, 'header length');
  }
  if (headerLength < 2) throw fail(`${headerLength} is too short for a JSON object`, undefined, 'header length');
  const headerBytes = bytes.subarray(8, 8 + headerLength);
  if (headerBytes[0] !== OPEN_BRACE) throw fail(`must start with "{", got byte ${headerBytes[0]}`, undefined, 'header');

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(headerBytes);
  } catch (e) {
    throw new SafetensorsError(source, 'is not valid UTF-8', { field: 'header', cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SafetensorsError(source, `is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, {
      field: 'header',
      cause: e,
    });
  }
  if (!isPlainObject(json)) throw fail('must be a JSON object', undefined, 'header');
  const duplicate = duplicateJsonKey(text);
  if (duplicate !== null) {
    throw new SafetensorsError(source, `names ${JSON.stringify(duplicate)} twice in its header (a weights file must be unambiguous)`, { field: 'header' });
  }

  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const metadata: Record<string, string> = Object.create(null) as Record<string, string>;
  const entries: SafetensorsTensorInfo[] = [];
  for (const name of Object.keys(json)) {
    const value = json[name];
    if (name === METADATA_KEY) {
      if (value === null) continue;
      if (!isPlainObject(value)) throw fail('must be an object of strings', undefined, METADATA_KEY);
      for (const key of Object.keys(value)) {
        const v = value[key];
        if (typeof v !== 'string') {
          throw fail(`value of ${JSON.stringify(key)} must be a string, got ${describe(v)}`, undefined, METADATA_KEY);
        }
        metadata[key] = v;
      }
      continue;
    }
    entries.push(parseEntry(name, value, dataStart, dataLength, fail));
  }

  // Sorted by begin (then end, so that an empty tensor at a boundary comes first), the tensors must tile the
  // data section: this rejects overlaps, gaps and trailing bytes in one pass.
  entries.sort((a, b) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  let expected = 0;
  let previous: string | undefined;
  for (const e of entries) {
    const [begin, end] = e.dataOffsets;
    if (begin < expected) {
      throw fail(`[${begin}, ${end}) overlaps tensor ${JSON.stringify(previous)} ending at ${expected}`, e.name, 'data_offsets');
    }
    if (begin > expected) {
      throw fail(`[${begin}, ${end}) leaves a gap: the previous tensor ends at ${expected}`, e.name, 'data_offsets');
    }
    expected = end;
    previous = e.name;
  }
  if (expected !== dataLength) {
    throw fail(`the tensors cover ${expected} bytes but the data section has ${dataLength}`, undefined, 'data section');
  }
  const infos = new Map<string, SafetensorsTensorInfo>();
  for (const e of entries) infos.set(e.name, e);
  return new SafetensorsFile(bytes, source, infos, Object.freeze(metadata), headerLength);
}

function parseEntry(
  name: string,
  value: unknown,
  dataStart: number,
  dataLength: number,
  fail: (reason: string, tensor?: string, field?: string) => SafetensorsError,
): SafetensorsTensorInfo {
  if (!isPlainObject(value)) throw fail(`entry must be an object, got ${describe(value)}`, name);
  const dtype = value.dtype;
  if (typeof dtype !== 'string') throw fail(`must be a string, got ${describe(dtype)}`, name, 'dtype');
  if (!isSafetensorsDtype(dtype)) throw fail(`${JSON.stringify(dtype.slice(0, 40))} is not supported`, name, 'dtype');
  const itemSize = SAFETENSORS_ITEM_SIZE[dtype];

  const rawShape = value.shape;
  if (!Array.isArray(rawShape)) throw fail(`must be an array, got ${describe(rawShape)}`, name, 'shape');
  const shape: number[] = [];
  // The element count is bounded by what the data section can hold before multiplying further, so it never
  // overflows; a zero dimension makes it 0 whatever follows.
  const maxElements = Math.floor(dataLength / itemSize);
  let size = 1;
  let tooLarge = false;
  for (let i = 0; i < rawShape.length; i++) {
    const d: unknown = rawShape[i];
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw fail(`entry ${i} must be a non-negative safe integer, got ${describe(d)}`, name, 'shape');
    }
    shape.push(d);
    if (size !== 0 && !tooLarge) {
      if (d === 0) size = 0;
      else if (size > maxElements / d) tooLarge = true;
      else size *= d;
    }
  }
  if (tooLarge && !shape.includes(0)) {
    throw fail(`[${shape.join(', ')}] holds more ${dtype} elements than the ${dataLength}-byte data section`, name, 'shape');
  }
  if (tooLarge) size = 0;

  const offsets = value.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2) {
    throw fail(`must be an array of two integers, got ${describe(offsets)}`, name, 'data_offsets');
  }
  const [begin, end] = offsets as unknown[];
  for (const o of [begin, end]) {
    if (typeof o !== 'number' || !Number.isSafeInteger(o) || o < 0) {
      throw fail(`must hold non-negative safe integers, got ${describe(o)}`, name, 'data_offsets');
    }
  }
  const b = begin as number;
  const e = end as number;
  if (b > e) throw fail(`begin ${b} is after end ${e}`, name, 'data_offsets');
  if (e > dataLength) throw fail(`end ${e} is beyond the ${dataLength}-byte data section`, name, 'data_offsets');
  const byteLength = size * itemSize;
  if (e - b !== byteLength) {
    throw fail(
      `[${b}, ${e}) spans ${e - b} bytes but shape [${shape.join(', ')}] of ${dtype} needs ${byteLength}`,
      name,
      'data_offsets',
    );
  }
  return { name, dtype, shape, size, dataOffsets: [b, e], byteOffset: dataStart + b, byteLength };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  return String(v);
}
