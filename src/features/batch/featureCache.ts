import type { CellFeatures } from '../cell/index.js';

/**
 * Version of the cached feature format and of the per-image algorithm as far as the cache is
 * concerned. Bump it whenever segmentation or feature code changes its output: entries written
 * under another version are never read.
 */
export const FEATURE_CACHE_VERSION = 1;

/** Options of {@link openFeatureCache}. */
export interface FeatureCacheOptions {
  /**
   * Anything else the cached values depend on (feature options, decoder options, the extractor
   * module); it is serialised with sorted keys and hashed into every key. Defaults to `{}`.
   */
  settings?: unknown;
  /** Cache format/algorithm version. Defaults to {@link FEATURE_CACHE_VERSION}. */
  version?: number;
}

/**
 * An on-disk cache of per-image features, keyed by the SHA-256 of the image bytes plus a
 * hash of the settings and version. One JSON file per image, `<dir>/<k[0..2]>/<k>.json`,
 * written atomically (temporary file in the same folder, then `rename`), so a run that is
 * killed leaves either the complete entry or none, and the next run resumes from there.
 * Node-only.
 */
export interface FeatureCache {
  /** The cache folder. */
  readonly dir: string;
  /** The key of an image: hex SHA-256 over its bytes and the cache settings. */
  key(bytes: Uint8Array): string;
  /** The cached features for `key`, or undefined when absent or unreadable (a corrupt file counts as absent). */
  get(key: string): Promise<CellFeatures | undefined>;
  /** Store `value` under `key` atomically. */
  set(key: string, value: CellFeatures): Promise<void>;
}

/** JSON with object keys sorted, so that equal settings give equal strings. */
function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  }) ?? 'undefined';
}

/**
 * Open (creating it if needed) a feature cache in `dir`.
 *
 * @param dir - the cache folder (created recursively)
 * @param options - see {@link FeatureCacheOptions}
 * @returns a {@link FeatureCache}
 * @throws TypeError naming the function when `dir` is empty
 * @example
 * const cache = await openFeatureCache('.cache/features', { settings: { cell: {} } });
 * const k = cache.key(bytes);
 * const hit = await cache.get(k);
 * if (hit === undefined) await cache.set(k, extractCellFeatures(image));
 */
export async function openFeatureCache(dir: string, options: FeatureCacheOptions = {}): Promise<FeatureCache> {
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new TypeError(`openFeatureCache: expected a non-empty folder path, got ${JSON.stringify(dir)}`);
  }
  const version = options.version ?? FEATURE_CACHE_VERSION;
  const { createHash, randomBytes } = await import('node:crypto');
  const fs = await import('node:fs/promises');
  const { join, resolve } = await import('node:path');
  const root = resolve(dir);
  await fs.mkdir(root, { recursive: true });
  const salt = createHash('sha256').update(stableStringify({ version, settings: options.settings ?? {} })).digest();

  const fileOf = (key: string): string => {
    if (!/^[0-9a-f]{64}$/.test(key)) throw new TypeError(`FeatureCache: expected a 64-digit hex key, got ${JSON.stringify(key)}`);
    return join(root, key.slice(0, 2), `${key}.json`);
  };

  return {
    dir: root,
    key(bytes: Uint8Array): string {
      return createHash('sha256').update(salt).update(bytes).digest('hex');
    },
    async get(key: string): Promise<CellFeatures | undefined> {
      const file = fileOf(key);
      let text: string;
      try {
        text = await fs.readFile(file, 'utf8');
      } catch {
        return undefined;
      }
      try {
        const entry = JSON.parse(text) as { version?: unknown; value?: CellFeatures };
        const v = entry.value;
        if (entry.version !== version || v === undefined || typeof v.status !== 'string' || typeof v.measurements !== 'object') {
          return undefined;
        }
        return { status: v.status, measurements: v.measurements, features: v.features ?? null };
      } catch {
        return undefined;
      }
    },
    async set(key: string, value: CellFeatures): Promise<void> {
      const file = fileOf(key);
      await fs.mkdir(join(root, key.slice(0, 2)), { recursive: true });
      const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        await fs.writeFile(tmp, JSON.stringify({ version, value }));
        await fs.rename(tmp, file);
      } catch (error) {
        await fs.rm(tmp, { force: true });
        throw error;
      }
    },
  };
}
