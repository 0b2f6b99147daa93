import { isNode } from './isNode.js';

/**
 * Write a file atomically (Node): the bytes go to a temporary file beside the target, are flushed to disk,
 * then renamed over the target, so a reader sees either the old file or the complete new one, never a
 * partial one. The parent folder must exist. On failure the temporary file is removed.
 *
 * @param path - the target file path
 * @param bytes - the contents (a string is written as UTF-8)
 * @throws Error from the file system (the target is then unchanged); Error naming `atomicWriteFile` outside Node
 * @example
 * await atomicWriteFile('cache/features.json', JSON.stringify(rows));
 */
export async function atomicWriteFile(path: string, bytes: Uint8Array | string): Promise<void> {
  if (!isNode()) throw new Error(`atomicWriteFile: writing files needs Node (path ${path})`);
  const fs = await import('node:fs/promises');
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  try {
    const handle = await fs.open(tmp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}
