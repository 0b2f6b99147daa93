/**
 * Test helper: build safetensors bytes by hand (independently of serializeSafetensors), from a header given
 * as an object or as raw JSON text, and the data section.
 */
export function rawSafetensors(
  header: Record<string, unknown> | string,
  data: Uint8Array = new Uint8Array(0),
  options: { declaredLength?: bigint } = {},
): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, options.declaredLength ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** Little-endian bytes of float32 values, written with a DataView. */
export function f32Bytes(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}

/** Catch the error thrown by `fn`, or fail. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}
