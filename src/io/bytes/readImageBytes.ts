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
  /**
   * Largest file, `Blob` or response body accepted, in bytes; a larger one is refused (a file before it is read, a
   * response by its `Content-Length` when it has one). Defaults to {@link MAX_IMAGE_FILE_BYTES} (256 MiB).
   */
  maxBytes?: number;
}

/**
 * Largest encoded image read by default: 256 MiB, above the 150–200 MB of an uncompressed BMP of `MAX_IMAGE_PIXELS`
 * pixels. A larger file (a mislabelled video or disk image) is refused before it is read into memory.
 */
export const MAX_IMAGE_FILE_BYTES = 256 * 1024 * 1024;

function tooLarge(name: string, size: number, maxBytes: number): ImageDecodeError {
  return new ImageDecodeError(name, `${size} bytes exceed the limit of ${maxBytes} bytes for an image (MAX_IMAGE_FILE_BYTES, or the maxBytes option)`);
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
  const maxBytes = options.maxBytes ?? MAX_IMAGE_FILE_BYTES;
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    if (source.size > maxBytes) throw tooLarge(name, source.size, maxBytes);
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
  if (url !== undefined && url.protocol !== 'file:') return fetchBytes(url, name, options.signal, maxBytes);
  return readFileBytes(url ?? (source as string), name, options.signal, maxBytes);
}

async function fetchBytes(url: URL, name: string, signal: AbortSignal | undefined, maxBytes: number): Promise<Uint8Array> {
  if (typeof fetch !== 'function') throw new ImageDecodeError(name, 'no global fetch in this runtime to read a URL');
  let response: Response;
  try {
    response = await fetch(url, signal === undefined ? undefined : { signal });
  } catch (e) {
    throw new ImageDecodeError(name, `fetch failed: ${errorMessage(e)}`, { cause: e });
  }
  if (!response.ok) throw new ImageDecodeError(name, `HTTP ${response.status} ${response.statusText}`.trimEnd());
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(name, declared, maxBytes);
  }
  let body: Uint8Array;
  try {
    body = new Uint8Array(await response.arrayBuffer());
  } catch (e) {
    throw new ImageDecodeError(name, `cannot read response body: ${errorMessage(e)}`, { cause: e });
  }
  if (body.byteLength > maxBytes) throw tooLarge(name, body.byteLength, maxBytes);
  return body;
}

async function readFileBytes(path: string | URL, name: string, signal: AbortSignal | undefined, maxBytes: number): Promise<Uint8Array> {
  if (!isNode()) {
    throw new ImageDecodeError(name, 'file paths can only be read in Node; pass a URL, Blob or the bytes in a browser');
  }
  try {
    return await readRegularFile(path, { signal, maxBytes });
  } catch (e) {
    throw new ImageDecodeError(name, e instanceof FileReadError ? e.message : errorMessage(e), { cause: e });
  }
}
