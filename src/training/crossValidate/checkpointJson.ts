/**
 * Exact JSON forms of a fold's prediction for the cross-validation checkpoint: typed arrays as the base64 of their
 * little-endian bytes (bit-exact, so a restored fold gives the same metrics and out-of-fold values to the last bit),
 * non-finite numbers tagged (JSON has no NaN), plain arrays and objects recursively.
 * @module
 */

const TYPED = {
  Float32Array,
  Float64Array,
  Int32Array,
  Uint8Array,
} as const;
type TypedName = keyof typeof TYPED;

function toBase64(bytes: Uint8Array): string {
  const B = (globalThis as { Buffer?: typeof Buffer }).Buffer;
  if (B !== undefined) return B.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

function fromBase64(text: string): Uint8Array {
  const B = (globalThis as { Buffer?: typeof Buffer }).Buffer;
  if (B !== undefined) return new Uint8Array(B.from(text, 'base64'));
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/**
 * A prediction (or any value of typed arrays, numbers, strings, booleans, null, arrays and plain objects) → JSON.
 *
 * @param value - The value.
 * @returns Its JSON form, or `undefined` when it holds something else (a function, a class instance, a tensor):
 *   such a fold is not checkpointed.
 */
export function encodeCheckpointJson(value: unknown): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : { $number: String(value) };
  if (ArrayBuffer.isView(value)) {
    const name = value.constructor.name;
    if (!(name in TYPED)) return undefined;
    return { $typed: name, base64: toBase64(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)) };
  }
  if (Array.isArray(value)) {
    const out = value.map(encodeCheckpointJson);
    return out.includes(undefined) ? undefined : out;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      const e = encodeCheckpointJson(v);
      if (e === undefined) return undefined;
      out[k] = e;
    }
    return out;
  }
  return undefined;
}

/**
 * The inverse of {@link encodeCheckpointJson}.
 *
 * @param json - A JSON value read back.
 * @returns The value, or `undefined` when the JSON is not such a form (a bad tag, base64 of the wrong length).
 */
export function decodeCheckpointJson(json: unknown): unknown {
  if (json === null || typeof json === 'string' || typeof json === 'boolean' || typeof json === 'number') return json;
  if (Array.isArray(json)) {
    const out = json.map(decodeCheckpointJson);
    return out.includes(undefined) ? undefined : out;
  }
  if (typeof json !== 'object') return undefined;
  const record = json as Record<string, unknown>;
  if ('$number' in record) {
    const n = record.$number;
    return n === 'NaN' ? Number.NaN : n === 'Infinity' ? Infinity : n === '-Infinity' ? -Infinity : undefined;
  }
  if ('$typed' in record) {
    const name = record.$typed;
    if (typeof name !== 'string' || !(name in TYPED) || typeof record.base64 !== 'string') return undefined;
    const Ctor = TYPED[name as TypedName];
    const bytes = fromBase64(record.base64);
    if (bytes.byteLength % Ctor.BYTES_PER_ELEMENT !== 0) return undefined;
    const out = new Ctor(bytes.byteLength / Ctor.BYTES_PER_ELEMENT);
    new Uint8Array(out.buffer).set(bytes);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) {
    const d = decodeCheckpointJson(v);
    if (d === undefined) return undefined;
    out[k] = d;
  }
  return out;
}
