/**
 * Cleans the temporary files (`<entry>.tmp-<pid>-<random>`, from `atomicWriteFile`) that a killed run leaves beside
 * cache entries.
 * @module
 */
import type { Dirent } from 'node:fs';

/** Options of {@link removeStaleTempFiles}. */
export interface RemoveStaleTempFilesOptions {
  /**
   * A temporary file whose process is not running on this machine is removed once it is this old (ms): a live write
   * renames its file within moments, and another machine sharing the folder has pids this one cannot see.
   * Defaults to `60_000` (1 minute).
   */
  readonly deadAfterMs?: number;
  /** A temporary file this old (ms) is removed whatever its pid. Defaults to `3_600_000` (1 hour). */
  readonly staleAfterMs?: number;
  /** Also the folders inside `dir` (one level, e.g. the cache's `<h[0..2]>` shards). Defaults to `false`. */
  readonly shards?: boolean;
}

const TMP = /\.tmp-(\d+)-[0-9a-z]+$/;

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, another user's
  }
}

/**
 * Removes the stale temporary files of atomic writes in a folder (Node): those whose writing process is gone (and
 * that are older than `deadAfterMs`), and any older than `staleAfterMs`. Entries and other files are never touched;
 * errors (a file removed meanwhile by another process, a folder that cannot be read) are ignored.
 *
 * @param dir - The folder, e.g. a content cache's `<dir>/<kind>-<settingsId>`.
 * @param options - See {@link RemoveStaleTempFilesOptions}.
 * @returns The number of files removed.
 * @example
 * await removeStaleTempFiles('.cache/features-0123456789abcdef', { shards: true });
 */
export async function removeStaleTempFiles(dir: string, options: RemoveStaleTempFilesOptions = {}): Promise<number> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const deadAfter = options.deadAfterMs ?? 60_000;
  const staleAfter = options.staleAfterMs ?? 3_600_000;
  const now = Date.now();
  let removed = 0;
  const clean = async (folder: string, depth: number): Promise<void> => {
    let names: Dirent[];
    try {
      names = await fs.readdir(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of names) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (depth > 0) await clean(full, depth - 1);
        continue;
      }
      const match = TMP.exec(entry.name);
      if (match === null || !entry.isFile()) continue;
      try {
        const age = now - (await fs.lstat(full)).mtimeMs;
        if (age > staleAfter || (age > deadAfter && !isRunning(Number(match[1])))) {
          await fs.rm(full, { force: true });
          removed++;
        }
      } catch {
        // removed meanwhile, or not ours to remove
      }
    }
  };
  await clean(dir, options.shards === true ? 1 : 0);
  return removed;
}
