import { ArgumentError } from '../../core/argumentError.js';
import { ImageDecodeError, errorMessage } from '../image/imageDecodeError.js';
import { describeImageSource, isUrlString } from './imageSource.js';
import type { ImageSource } from './imageSource.js';
import { isNode } from './isNode.js';
import { FileReadError, readRegularFile } from './readRegularFile.js';

/** Options of {@link readImageBytes}. */
export interface ReadImageBytesOptions {
  /** Name used in error messages. Defaults to the path or URL, a `File`'s name, or `<N bytes>`. */
  name?: string;
  /** Aborts a `fetch` or file read. Defaults to none. */
  signal?: AbortSignal;
}

/**
 * Read the encoded bytes of an image (the file contents, not pixels).
 *
 * - `Uint8Array`: returned as is (not copied). `ArrayBuffer`: wrapped in a `Uint8Array` view.
 * - `Blob` / `File`: read with `blob.arrayBuffer()`.
 * - `http:`, `https:`, `data:`, `blob:` URLs (strings or `URL`s): read with the global `fetch`
 *   (browsers; Node ≥ 18 for http(s) and data URLs). A non-2xx status is an error.
 * - `file:` URLs and other strings (file paths): read with {@link readRegularFile} (`node:fs/promises`, imported
 *   lazily so that this module also loads in browsers; in a browser they are an error). Anything but a regular file
 *   (a named pipe, a device, a socket, a folder) is refused before it is read, so such a path never blocks.
 *
 * @param source - where the image comes from (see {@link ImageSource})
 * @param options - see {@link ReadImageBytesOptions}
 * @returns the file bytes, length ≥ 0 (an empty file gives an empty array: {@link decodeImageBytes} rejects it)
 * @throws {@link ImageDecodeError} naming the source when it cannot be read (missing file, not a regular file, HTTP
 *   error, …, or aborted by `options.signal`: then `cause` is the signal's reason)
 * @throws ArgumentError (a TypeError) naming `readImageBytes` when `source` is not an {@link ImageSource}
 * @example
 * const bytes = await readImageBytes('data/P0/000001.jpg');
 * const same = await readImageBytes(new URL('https://example.org/cell.png'));
 */
export async function readImageBytes(source: ImageSource, options: ReadImageBytesOptions = {}): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  const name = options.name ?? describeImageSource(source);
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    try {
      return new Uint8Array(await source.arrayBuffer());
    } catch (e) {
      throw new ImageDecodeError(name, `cannot read blob: ${errorMessage(e)}`, { cause: e });
    }
  }
  let url: URL | undefined;
  if (source instanceof URL) url = source;
  else if (typeof source === 'string') {
    if (source.length === 0) throw new ImageDecodeError(name, 'empty file path');
    if (isUrlString(source)) {
      try {
        url = new URL(source);
      } catch (e) {
        throw new ImageDecodeError(name, `invalid URL: ${errorMessage(e)}`, { cause: e });
      }
    }
  } else {
    throw new ArgumentError('readImageBytes', 'source', 'a file path, URL, Uint8Array, ArrayBuffer or Blob', source);
  }
  if (url !== undefined && url.protocol !== 'file:') return fetchBytes(url, name, options.signal);
  return readFileBytes(url ?? (source as string), name, options.signal);
}

async function fetchBytes(url: URL, name: string, signal: AbortSignal | undefined): Promise<Uint8Array> {
  if (typeof fetch !== 'function') throw new ImageDecodeError(name, 'no global fetch in this runtime to read a URL');
  let response: Response;
  try {
    response = await fetch(url, signal === undefined ? undefined : { signal });
  } catch (e) {
    throw new ImageDecodeError(name, `fetch failed: ${errorMessage(e)}`, { cause: e });
  }
  if (!response.ok) throw new ImageDecodeError(name, `HTTP ${response.status} ${response.statusText}`.trimEnd());
  try {
    return new Uint8Array(await response.arrayBuffer());
  } catch (e) {
    throw new ImageDecodeError(name, `cannot read response body: ${errorMessage(e)}`, { cause: e });
  }
}

async function readFileBytes(path: string | URL, name: string, signal: AbortSignal | undefined): Promise<Uint8Array> {
  if (!isNode()) {
    throw new ImageDecodeError(name, 'file paths can only be read in Node; pass a URL, Blob or the bytes in a browser');
  }
  try {
    return await readRegularFile(path, { signal });
  } catch (e) {
    throw new ImageDecodeError(name, e instanceof FileReadError ? e.message : errorMessage(e), { cause: e });
  }
}
