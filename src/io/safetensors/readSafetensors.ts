import { ImageDecodeError } from '../image/imageDecodeError.js';
import type { ImageSource } from '../bytes/imageSource.js';
import { describeImageSource } from '../bytes/imageSource.js';
import { readImageBytes } from '../bytes/readImageBytes.js';
import { parseSafetensors } from './parseSafetensors.js';
import type { ParseSafetensorsOptions } from './parseSafetensors.js';
import { SafetensorsError } from './safetensorsError.js';
import type { SafetensorsFile } from './safetensorsFile.js';

/** Options of {@link readSafetensors}. */
export interface ReadSafetensorsOptions extends ParseSafetensorsOptions {
  /** Aborts a `fetch` or file read. Defaults to none. */
  signal?: AbortSignal;
}

/**
 * Read and parse a safetensors file from a path (Node), a URL (`http(s):`, `data:`, `blob:`, `file:`), a
 * `Blob` or the bytes; the tensors are decoded on demand (see {@link SafetensorsFile}).
 *
 * Reading goes through {@link readImageBytes} (the same rules for paths and URLs); the whole file is held
 * in memory.
 *
 * @param source - where the file is
 * @param options - see {@link ReadSafetensorsOptions}; `name` defaults to the path or URL
 * @returns the parsed file
 * @throws {@link SafetensorsError} naming the source when it cannot be read (missing file, HTTP error) or is malformed
 * @example
 * const file = await readSafetensors('weights/resnet18.safetensors');
 * const remote = await readSafetensors('https://huggingface.co/timm/resnet18.a1_in1k/resolve/main/model.safetensors');
 */
export async function readSafetensors(source: ImageSource, options: ReadSafetensorsOptions = {}): Promise<SafetensorsFile> {
  const name = options.name ?? describeImageSource(source);
  let bytes: Uint8Array;
  try {
    bytes = await readImageBytes(source, { name, ...(options.signal === undefined ? {} : { signal: options.signal }) });
  } catch (e) {
    if (!(e instanceof ImageDecodeError)) throw e;
    const prefix = `cannot decode image ${e.source}: `;
    const reason = e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
    throw new SafetensorsError(name, `cannot read: ${reason}`, { cause: e.cause ?? e });
  }
  return parseSafetensors(bytes, { ...options, name });
}
