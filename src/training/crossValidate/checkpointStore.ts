/**
 * Where `crossValidate` keeps each finished fold so that a rerun (after a crash or a kill) reads it back instead of
 * fitting it again.
 * @module
 */

/** An entry of a {@link CheckpointStore} exists but cannot be read back (not JSON, not a regular file, too large). */
export class CheckpointEntryError extends Error {
  override readonly name = 'CheckpointEntryError';
}

/**
 * A key–value store of JSON values for cross-validation checkpoints. Keys are 64 lowercase hex digits (a SHA-256
 * of everything that determines the entry). Implementations: {@link memoryCheckpointStore} (any platform) and
 * `openFolderCheckpointStore` (Node, one file per entry, written atomically).
 */
export interface CheckpointStore {
  /** Where the entries are, for messages (e.g. a folder). */
  readonly location: string;
  /**
   * The JSON value under `key`, or `undefined` when there is none.
   * @throws {CheckpointEntryError} when an entry exists but cannot be read back (the caller recomputes it).
   */
  read(key: string): Promise<unknown>;
  /** Stores `value` (JSON-serialisable) under `key`, replacing any entry, atomically: a crash leaves the old entry or the new one. */
  write(key: string, value: unknown): Promise<void>;
}

/**
 * A {@link CheckpointStore} in memory (values kept as JSON text, so what is read back is a fresh copy).
 *
 * @param entries - A map to keep the entries in (e.g. to share it between calls). Defaults to a new one.
 * @returns The store.
 * @example
 * const store = memoryCheckpointStore();
 * await crossValidate(estimator, bags, { checkpoint: { store } }); // fits every fold
 * await crossValidate(estimator, bags, { checkpoint: { store } }); // reads every fold back
 */
export function memoryCheckpointStore(entries: Map<string, string> = new Map()): CheckpointStore {
  return {
    location: 'memory',
    read: (key) => {
      const text = entries.get(key);
      if (text === undefined) return Promise.resolve(undefined);
      try {
        return Promise.resolve(JSON.parse(text) as unknown);
      } catch {
        return Promise.reject(new CheckpointEntryError(`checkpoint entry ${key} in memory is not JSON`));
      }
    },
    write: (key, value) => {
      entries.set(key, JSON.stringify(value));
      return Promise.resolve();
    },
  };
}
