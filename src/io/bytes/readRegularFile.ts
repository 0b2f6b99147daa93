import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { isNode } from './isNode.js';

/** Options of {@link readRegularFile}. */
export interface ReadRegularFileOptions {
  /** Stops the read between chunks; the promise rejects with the signal's reason. Defaults to none. */
  readonly signal?: AbortSignal | undefined;
  /** Largest file accepted, in bytes; a larger one is refused before it is read. Defaults to no limit. */
  readonly maxBytes?: number | undefined;
}

/**
 * Why a path could not be read by {@link readRegularFile}: `code` is `'not-a-file'` (a named pipe, device, socket or
 * folder), `'too-large'`, or the file system's code (`'ENOENT'`, `'EACCES'`, …).
 */
export class FileReadError extends Error {
  /** `'not-a-file'`, `'too-large'` or the file system's error code. */
  readonly code: string;

  /**
   * @param code - see {@link FileReadError.code}
   * @param reason - what went wrong, without the path (the caller names it)
   * @param options - `cause`: the underlying error
   */
  constructor(code: string, reason: string, options?: { cause?: unknown }) {
    super(reason, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FileReadError';
    this.code = code;
  }
}

const CHUNK = 1 << 20;

/** What a non-regular file is, in words. */
function kindOf(stat: Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/**
 * Read a whole file (Node), refusing anything that is not a regular file (a named pipe, a device, a socket, a
 * folder) before reading from it, so that such a path can never block the process.
 *
 * The file is opened with `O_NONBLOCK` (opening a FIFO for reading does not wait for a writer; no effect on regular
 * files), checked with `fstat` on the opened handle (no race with a rename between the check and the read), and
 * read in chunks of 1 MiB, with `signal` checked between chunks.
 *
 * @param path - a file path or `file:` URL
 * @param options - see {@link ReadRegularFileOptions}
 * @returns the bytes (length = the file's size)
 * @throws {@link FileReadError} (`code` `'not-a-file'`, `'too-large'`, `'ENOENT'`, …) with a reason that does not
 *   name the path (callers name it); the signal's reason when aborted
 * @example
 * const bytes = await readRegularFile('data/P0/000001.jpg');
 */
export async function readRegularFile(path: string | URL, options: ReadRegularFileOptions = {}): Promise<Uint8Array> {
  if (!isNode()) throw new FileReadError('not-node', 'file paths can only be read in Node');
  const { signal, maxBytes } = options;
  signal?.throwIfAborted();
  const fs = await import('node:fs/promises');
  const { constants } = await import('node:fs');
  // O_NONBLOCK does not exist on Windows, where opening a pipe does not block in the same way.
  const flags = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);
  let handle: FileHandle;
  try {
    handle = await fs.open(path, flags);
  } catch (e) {
    const code = String((e as { code?: unknown }).code ?? 'EIO');
    const reason =
      code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, not a file' : code === 'EACCES' || code === 'EPERM' ? `permission denied (${code})` : e instanceof Error ? e.message : String(e);
    throw new FileReadError(code, reason, { cause: e });
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new FileReadError('not-a-file', `is ${kindOf(stat)}, not a regular file: refused without reading`);
    if (maxBytes !== undefined && stat.size > maxBytes) {
      throw new FileReadError('too-large', `file of ${stat.size} bytes exceeds the limit of ${maxBytes} bytes: refused without reading`);
    }
    // Read into a buffer of exactly the stated size (so that it can be transferred whole), then go on in chunks
    // while the file still gives bytes (it grew, or a file system reports size 0).
    const parts: Uint8Array[] = [];
    let total = 0;
    let buf = new Uint8Array(stat.size);
    let at = 0;
    for (;;) {
      signal?.throwIfAborted();
      if (at === buf.byteLength) {
        if (at > 0) parts.push(buf);
        buf = new Uint8Array(CHUNK);
        at = 0;
      }
      const { bytesRead } = await handle.read(buf, at, buf.byteLength - at, null);
      if (bytesRead === 0) break;
      at += bytesRead;
      total += bytesRead;
      if (maxBytes !== undefined && total > maxBytes) {
        throw new FileReadError('too-large', `file grew past the limit of ${maxBytes} bytes while being read`);
      }
    }
    if (parts.length === 0) return at === buf.byteLength ? buf : buf.slice(0, at);
    if (parts.length === 1 && at === 0) return parts[0]!;
    parts.push(buf.subarray(0, at));
    const out = new Uint8Array(total);
    let k = 0;
    for (const p of parts) {
      out.set(p, k);
      k += p.byteLength;
    }
    return out;
  } catch (e) {
    if (e instanceof FileReadError || signal?.aborted === true) throw e;
    const code = String((e as { code?: unknown }).code ?? 'EIO');
    throw new FileReadError(code, code === 'EISDIR' ? 'is a directory, not a file' : e instanceof Error ? e.message : String(e), { cause: e });
  } finally {
    await handle.close().catch(() => undefined);
  }
}
