/**
 * The one content-keyed on-disk cache of the library (Node): per-image results (handmade features, embeddings)
 * keyed by the SHA-256 of the image's bytes and by everything the result depends on, written atomically as each
 * item completes, validated on read.
 * @module
 */
import { ArgumentError, checkFunction, checkInteger, checkString } from '../../core/index.js';
import { atomicWriteFile } from '../bytes/atomicWriteFile.js';
import { isNode } from '../bytes/isNode.js';
import { FileReadError, readRegularFile } from '../bytes/readRegularFile.js';
import { removeStaleTempFiles } from './removeStaleTempFiles.js';

/** Version of the entry layout (the JSON envelope around a value); entries of another layout are never served. */
export const CONTENT_CACHE_FORMAT = 1;

/** Largest entry file read (64 MiB); a larger one is counted invalid and recomputed, never parsed. */
export const MAX_ENTRY_BYTES = 64 * 1024 * 1024;

/** Options of {@link openContentCache}. */
export interface ContentCacheOptions<V> {
  /** What the values are, e.g. `'features'` or `'embedding'`: letters, digits and `-` only. First part of the folder name. */
  readonly kind: string;
  /**
   * Everything a value depends on besides the bytes: options, the decoder actually used, the extractor or backbone
   * fingerprint. Serialised as JSON with sorted keys and hashed; must be JSON-serialisable. Stored in every entry.
   */
  readonly settings: unknown;
  /** Version of the algorithm that computes the values; bump it when its output changes. An integer ≥ 0. */
  readonly version: number;
  /** A value → its JSON form (arrays, numbers, strings, objects). Defaults to the value itself. */
  readonly encode?: (value: V) => unknown;
  /**
   * The JSON form read back → the value, or `undefined` when it is not a valid value (a bad status, missing or
   * non-numeric numbers): such an entry is counted in {@link ContentCacheStats.invalid} and never served.
   */
  readonly decode: (json: unknown) => V | undefined;
}

/** Counts of one opened cache since it was opened. */
export interface ContentCacheStats {
  /** Entries served. */
  hits: number;
  /**
   * Entries found but not served: not a regular file, larger than {@link MAX_ENTRY_BYTES}, unreadable JSON, another
   * key, settings or version, or a value `decode` rejected.
   */
  invalid: number;
  /** Entries written. */
  written: number;
}

/**
 * An opened content cache: `<dir>/<kind>-<settingsId>/<h[0..2]>/<h>.json`, one JSON file per item, where `h` is the
 * SHA-256 of the item's bytes and `settingsId` the first 16 hex digits of the SHA-256 of `{ kind, version, settings }`.
 * Each file holds `{ format, kind, version, settingsId, hash, settings, value }`. Writes are atomic
 * (`atomicWriteFile`), so a run that is killed leaves each entry complete or absent and the next run resumes; the
 * temporary files such a run leaves (`*.tmp-<pid>-<random>`) are removed when the cache is next opened once stale
 * (see `removeStaleTempFiles`).
 */
export interface ContentCache<V> {
  /** The folder of this kind and these settings, `<dir>/<kind>-<settingsId>` (absolute). */
  readonly dir: string;
  /** 16 hex digits naming the settings. */
  readonly settingsId: string;
  /** The valid value under `hash` (the bytes' SHA-256, see `sha256Hex`), or `undefined` (absent, or invalid: then counted). */
  get(hash: string): Promise<V | undefined>;
  /** Stores `value` under `hash` atomically (an existing entry is replaced). */
  set(hash: string, value: V): Promise<void>;
  /** Counts since opening. */
  readonly stats: Readonly<ContentCacheStats>;
}

/** JSON with object keys sorted, so that equal settings give equal text. */
export function stableStringify(value: unknown): string {
  return (
    JSON.stringify(value, (_k, v: unknown) => {
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
        return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      }
      return v;
    }) ?? 'null'
  );
}

/**
 * Opens (creating its folder) the content cache of one kind of value and one set of settings.
 *
 * @param dir - the cache root, shared by every kind and setting (e.g. `.cache`)
 * @param options - see {@link ContentCacheOptions}
 * @param fn - the public function named in errors. Defaults to `'openContentCache'`.
 * @returns the cache
 * @throws ArgumentError naming `fn` for a bad `dir`, `kind`, `version` or `decode`, or settings that are not JSON;
 *   Error outside Node; errors of the file system (e.g. a folder that cannot be created)
 * @example
 * const cache = await openContentCache<number[]>('.cache', {
 *   kind: 'embedding', version: 1, settings: { backboneId, decoder: 'sharp' },
 *   decode: (j) => (Array.isArray(j) && j.every(Number.isFinite) ? j : undefined),
 * });
 * const h = await sha256Hex(bytes);
 * const hit = await cache.get(h);
 * if (hit === undefined) await cache.set(h, compute(bytes));
 */
export async function openContentCache<V>(dir: string, options: ContentCacheOptions<V>, fn = 'openContentCache'): Promise<ContentCache<V>> {
  checkString(fn, 'cacheDir', dir);
  if (!isNode()) throw new Error(`${fn}: an on-disk cache needs Node (cacheDir ${dir})`);
  const kind = checkString(fn, 'cache kind', options.kind);
  if (!/^[a-z0-9-]+$/i.test(kind)) throw new ArgumentError(fn, 'cache kind', 'letters, digits and -', kind);
  const version = checkInteger(fn, 'cache version', options.version, { min: 0 });
  const decode = checkFunction<(json: unknown) => V | undefined>(fn, 'cache decode', options.decode);
  const encode = options.encode ?? ((v: V): unknown => v);
  let settingsText: string;
  try {
    settingsText = stableStringify(options.settings ?? null);
  } catch {
    throw new ArgumentError(fn, 'cache settings', 'JSON-serialisable', options.settings);
  }
  const settings: unknown = JSON.parse(settingsText);
  const { createHash } = await import('node:crypto');
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const settingsId = createHash('sha256').update(stableStringify({ kind, version, settings })).digest('hex').slice(0, 16);
  const root = path.resolve(dir, `${kind}-${settingsId}`);
  await fs.mkdir(root, { recursive: true });
  // The temporary files a killed run left beside entries (never read as entries; removed once stale).
  await removeStaleTempFiles(root, { shards: true });
  const stats: ContentCacheStats = { hits: 0, invalid: 0, written: 0 };
  const made = new Set<string>();

  const fileOf = (hash: string): string => {
    if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) {
      throw new ArgumentError(fn, 'cache key', 'a SHA-256 of 64 lowercase hex digits', hash);
    }
    return path.join(root, hash.slice(0, 2), `${hash}.json`);
  };

  return {
    dir: root,
    settingsId,
    stats,
    async get(hash) {
      const file = fileOf(hash);
      let bytes: Uint8Array;
      try {
        // A regular file only (a named pipe in its place would block a plain read), and bounded.
        bytes = await readRegularFile(file, { maxBytes: MAX_ENTRY_BYTES });
      } catch (e) {
        if (e instanceof FileReadError && e.code === 'ENOENT') return undefined; // absent
        stats.invalid++; // not a file, too large or unreadable: recomputed and (when possible) replaced
        return undefined;
      }
      let value: V | undefined;
      try {
        const entry = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as Record<string, unknown>;
        const ok =
          entry.format === CONTENT_CACHE_FORMAT &&
          entry.kind === kind &&
          entry.version === version &&
          entry.settingsId === settingsId &&
          entry.hash === hash;
        value = ok ? decode(entry.value) : undefined;
      } catch {
        value = undefined;
      }
      if (value === undefined) {
        stats.invalid++;
        return undefined;
      }
      stats.hits++;
      return value;
    },
    async set(hash, value) {
      const file = fileOf(hash);
      const sub = path.dirname(file);
      if (!made.has(sub)) {
        await fs.mkdir(sub, { recursive: true });
        made.add(sub);
      }
      const entry = { format: CONTENT_CACHE_FORMAT, kind, version, settingsId, hash, settings, value: encode(value) };
      await atomicWriteFile(file, JSON.stringify(entry));
      stats.written++;
    },
  };
}
