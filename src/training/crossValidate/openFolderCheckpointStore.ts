import { ArgumentError, checkString } from '../../core/index.js';
import { atomicWriteFile, FileReadError, readRegularFile } from '../../io/bytes/index.js';
import { isNode } from '../../io/bytes/isNode.js';
import { removeStaleTempFiles } from '../../io/cache/removeStaleTempFiles.js';
import { CheckpointEntryError, type CheckpointStore } from './checkpointStore.js';

/** Largest checkpoint entry read (256 MiB); a larger file is reported as unreadable and recomputed. */
export const MAX_CHECKPOINT_ENTRY_BYTES = 256 * 1024 * 1024;

const FN = 'openFolderCheckpointStore';

/**
 * A {@link CheckpointStore} in a folder (Node): one file `<dir>/<key>.json` per entry, written atomically
 * (`atomicWriteFile`: temporary file, `fsync`, rename), read only when it is a regular file under
 * {@link MAX_CHECKPOINT_ENTRY_BYTES}. Opening it creates the folder and removes the stale temporary files a killed
 * run left (`removeStaleTempFiles`). Two processes may share a folder: each entry is complete or absent.
 *
 * @param dir - The folder, e.g. `<out>/checkpoints`.
 * @returns The store.
 * @throws {ArgumentError} naming `openFolderCheckpointStore` for a `dir` that is not a non-empty string; Error
 *   outside Node; errors of the file system (a folder that cannot be created).
 * @example
 * const store = await openFolderCheckpointStore('lymphomix-cv/checkpoints');
 * const cv = await crossValidate(estimator, bags, { folds: 5, checkpoint: { store, context: { config } } });
 * // killed? the same call again reads the finished folds back and fits only the others
 */
export async function openFolderCheckpointStore(dir: string): Promise<CheckpointStore> {
  checkString(FN, 'dir', dir);
  if (!isNode()) throw new Error(`${FN}: a checkpoint folder needs Node (dir ${dir})`);
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const root = path.resolve(dir);
  await fs.mkdir(root, { recursive: true });
  await removeStaleTempFiles(root);
  const fileOf = (key: string): string => {
    if (typeof key !== 'string' || !/^[0-9a-f]{64}$/.test(key)) throw new ArgumentError(FN, 'checkpoint key', 'a SHA-256 of 64 lowercase hex digits', key);
    return path.join(root, `${key}.json`);
  };
  return {
    location: root,
    async read(key) {
      const file = fileOf(key);
      let bytes: Uint8Array;
      try {
        bytes = await readRegularFile(file, { maxBytes: MAX_CHECKPOINT_ENTRY_BYTES });
      } catch (error) {
        if (error instanceof FileReadError && error.code === 'ENOENT') return undefined;
        throw new CheckpointEntryError(`${file}: ${(error instanceof Error ? error.message : String(error)).slice(0, 200)}`);
      }
      try {
        return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
      } catch {
        throw new CheckpointEntryError(`${file}: not JSON (${bytes.byteLength} bytes)`);
      }
    },
    async write(key, value) {
      await atomicWriteFile(fileOf(key), JSON.stringify(value));
    },
  };
}
