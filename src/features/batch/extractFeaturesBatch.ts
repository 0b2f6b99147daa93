import { ArgumentError, checkFunction, checkInteger, checkOptions, checkString } from '../../core/index.js';
import type { ProgressListener } from '../../core/index.js';
import type { DecodeImageOptions, ImageSource } from '../../io/index.js';
import { checkImageSources, describeImageSource, resolveDecoder } from '../../io/index.js';
import { isNode } from '../../io/bytes/isNode.js';
import { openContentCache } from '../../io/cache/contentCache.js';
import type { ContentCache } from '../../io/cache/contentCache.js';
import type { WorkerPool } from '../../io/workers/workerPool.js';
import { cacheWriteWarning, runCachedBatch } from '../../io/cache/runCachedBatch.js';
import type { BatchFailure, BatchItem, BatchOutcome, BatchProgressDetail } from '../../io/cache/runCachedBatch.js';
import type { CellFeatureOptions, CellFeatures } from '../cell/index.js';
import type { FeatureWorkerSetup, FeatureWorkerTask } from './featureWorker.js';
import { loadCellExtractor, processImageBytes } from './processImageBytes.js';
import type { CellExtractor, ImageOutcome } from './processImageBytes.js';

export type { BatchFailure, BatchProgressDetail };

/**
 * Version of the per-image feature algorithm as far as the cache is concerned. Bump it whenever segmentation or
 * feature code changes its output: entries written under another version are never read.
 */
export const FEATURE_CACHE_VERSION = 2;

/** The features of one image of a batch. */
export interface BatchImageResult extends CellFeatures {
  /** Position of the image in `sources`. */
  index: number;
  /** Name of the image (path, URL, or `<N bytes>` for bytes). */
  source: string;
  /** True when the features came from the cache. */
  cached: boolean;
}

/** Result of {@link extractFeaturesBatch}: every source is in exactly one of the two lists. */
export interface FeaturesBatchResult {
  /** Images that were processed (any status, `ok` or not), in input order. */
  results: BatchImageResult[];
  /** Images that failed, in input order. */
  failures: BatchFailure[];
  /** The image decoder actually used, e.g. `'sharp'` (what `'auto'` resolved to); part of the cache key. */
  decoder: string;
  /** Cache entries that were found invalid (bad status, missing or non-numeric values) and recomputed. */
  invalidCacheEntries: number;
  /**
   * Present when `cacheDir` was given but the cache could not be created or written (read-only folder, full disk, a
   * file in the way): the first error, naming the path. The batch then finished without caching; its results are
   * complete. Also printed once with `console.warn`.
   */
  cacheWarning?: string;
}

/** Options of {@link extractFeaturesBatch}. */
export interface ExtractFeaturesBatchOptions {
  /**
   * Worker threads. `0` runs every image in the calling thread. Defaults to the number of
   * available cores (`os.availableParallelism()`) in Node, capped at the number of images to
   * compute, and to `0` elsewhere (browsers).
   */
  workers?: number;
  /** Options for `extractCellFeatures`; must be structured-cloneable (sent to workers). Defaults to `{}`. */
  cell?: CellFeatureOptions;
  /**
   * Options for `decodeImageBytes` (its `signal` and `name` are ignored: the batch has its own `signal` and names
   * each image). `decoder` is resolved once (`'auto'`: sharp in Node, with a one-time warning when it falls back to
   * jimp) and the result's `decoder` says which ran. With workers, `decoder` must be a name (an `ImageDecoder`
   * object cannot be sent to a thread). Defaults to `{}` (`'auto'`).
   */
  decode?: DecodeImageOptions;
  /**
   * Folder of the on-disk cache (Node only), the library's one content cache (`openContentCache`, kind
   * `'features'`): keyed by the SHA-256 of each image's bytes and by `cell`, the decoder actually used,
   * `extractorModule` and {@link FEATURE_CACHE_VERSION}. Entries are written atomically as soon as an image is done,
   * so an interrupted run resumes where it stopped, and validated on read (an entry with a bad status or missing or
   * non-numeric values is recomputed, counted in `invalidCacheEntries`). Failures are not cached. A cache that cannot
   * be created or written (a read-only folder, a full disk) never stops the batch: it finishes uncached and says so
   * once (`cacheWarning` of the result, and `console.warn`). Defaults to none (no cache).
   */
  cacheDir?: string;
  /**
   * Called after every image (cache hits and failures too) with the library's `ProgressEvent`: stage `'features'`,
   * `done`/`total` images, `detail`: {@link BatchProgressDetail} (failed, cached, source, decoder …). Its return
   * value is ignored; an exception thrown by it stops the batch with that exception. Defaults to none.
   */
  onProgress?: ProgressListener<BatchProgressDetail>;
  /**
   * Path or URL of an ES module replacing the per-image steps by exporting `decodeImageBytes` and/or
   * `extractCellFeatures` (see {@link CellExtractor}); it is imported in every worker. Defaults to
   * the library's own steps.
   */
  extractorModule?: string | URL;
  /**
   * URL or path (relative to the working directory) of the worker module (the built `featureWorker.js`), for
   * bundlers that move it. Defaults to the worker next to this module: `dist/features/batch/featureWorker.js` when
   * built, `featureWorker.ts` from source (loaded through tsx).
   */
  workerUrl?: string | URL;
  /**
   * Stops the batch: no new image starts, an image running in a worker thread is stopped (its thread terminated)
   * and the promise rejects with the signal's reason at once. Cached work stays. Defaults to none.
   */
  signal?: AbortSignal;
}

const FN = 'extractFeaturesBatch';

/** The cached form of an image's features read back, or undefined when it is not valid. */
function parseCachedFeatures(json: unknown): CellFeatures | undefined {
  if (json === null || typeof json !== 'object') return undefined;
  const { status, measurements, features } = json as Record<string, unknown>;
  const numbers = (o: unknown): boolean =>
    o !== null &&
    typeof o === 'object' &&
    !Array.isArray(o) &&
    Object.keys(o).length > 0 &&
    Object.values(o).every((v) => typeof v === 'number' && Number.isFinite(v));
  if ((status !== 'ok' && status !== 'no-nucleus') || !numbers(measurements)) return undefined;
  if (status === 'ok' ? !numbers(features) : features !== null) return undefined;
  return { status, measurements, features } as CellFeatures;
}

/**
 * Extract the handmade features of many cell images, in parallel worker threads (Node, the library's one worker
 * pool) or in this thread (browsers, or `workers: 0`), with an optional resumable on-disk cache.
 *
 * One bad image never aborts the batch: it lands in `failures` with a message naming it, and
 * every other image is still processed (and cached). Results keep the input order.
 *
 * @param sources - the images: file paths, URLs, encoded bytes or Blobs (see `ImageSource`)
 * @param options - see {@link ExtractFeaturesBatchOptions}
 * @returns `{ results, failures, decoder, invalidCacheEntries }`; each source appears in exactly one of `results`
 *   and `failures`, with its `index`
 * @throws ArgumentError naming the function and the argument at once when `sources` is not an array of image
 *   sources (e.g. cohort `Patient`s: the message names the index) or an option is bad
 * @throws Error naming the function and the module when the extractor module or the worker module cannot load
 * @throws the signal's reason when `options.signal` aborts (work done so far stays cached)
 * @example
 * const { results, failures, decoder } = await extractFeaturesBatch(paths, {
 *   cacheDir: '.cache',
 *   onProgress: ({ done, total, detail }) => console.log(`${done}/${total} (${detail.failed} failed)`),
 * });
 * const ok = results.filter((r) => r.status === 'ok'); // r.features: 51 named numbers
 */
export async function extractFeaturesBatch(
  sources: readonly ImageSource[],
  options: ExtractFeaturesBatchOptions = {},
): Promise<FeaturesBatchResult> {
  checkImageSources(FN, 'sources', sources);
  checkOptions(FN, options);
  const node = isNode();
  if (options.workers !== undefined) checkInteger(FN, 'options.workers', options.workers, { min: 0 });
  if (options.workers !== undefined && options.workers > 0 && !node) {
    throw new ArgumentError(FN, 'options.workers', '0 outside Node (worker threads need Node)', options.workers);
  }
  if (options.cacheDir !== undefined) checkString(FN, 'options.cacheDir', options.cacheDir);
  if (options.onProgress !== undefined) checkFunction(FN, 'options.onProgress', options.onProgress);
  const signal = options.signal;
  signal?.throwIfAborted();

  const total = sources.length;
  const cell = checkOptions(FN, options.cell, 'options.cell');
  for (const key of ['extractorModule', 'workerUrl'] as const) {
    const v = options[key];
    if (v !== undefined && !(v instanceof URL)) checkString(FN, `options.${key}`, v);
  }
  // The batch reads the bytes itself (and has its own signal); `name` is set per image.
  const { signal: _decodeSignal, name: _decodeName, ...decode } = checkOptions(FN, options.decode, 'options.decode');
  const decoder = await resolveDecoder(decode.decoder).catch((e: unknown) => {
    throw new ArgumentError(FN, 'options.decode.decoder', "'jimp', 'sharp', 'canvas', 'auto' or an ImageDecoder", decode.decoder ?? e);
  });
  let workerCount = options.workers ?? (node ? (await import('node:os')).availableParallelism() : 0);
  workerCount = Math.min(workerCount, total);
  if (typeof decode.decoder === 'object' && workerCount > 0) {
    throw new ArgumentError(FN, 'options.decode.decoder', "a decoder's name ('jimp', 'sharp', 'auto') with workers (an object cannot be sent to a thread), or workers: 0", decode.decoder);
  }
  // Threads get the decoder by the name it resolved to, so that every thread and the cache key agree.
  const resolvedDecode: DecodeImageOptions = typeof decode.decoder === 'object' ? decode : { ...decode, decoder: decoder.name as 'jimp' };
  // Resolved here once (paths against the working directory), so the cache key and every thread agree.
  const extractorModule =
    options.extractorModule === undefined
      ? undefined
      : node
        ? (await (await import('../../io/workers/workerModule.js')).toModuleUrl(options.extractorModule)).href
        : String(options.extractorModule);
  if (total === 0) return { results: [], failures: [], decoder: decoder.name, invalidCacheEntries: 0 };

  let cache: ContentCache<CellFeatures> | undefined;
  let openWarning: string | undefined;
  if (options.cacheDir !== undefined) {
    try {
      cache = await openContentCache<CellFeatures>(
        options.cacheDir,
        {
          kind: 'features',
          version: FEATURE_CACHE_VERSION,
          settings: { cell, decode: { ...decode, decoder: decoder.name }, extractorModule: extractorModule ?? null },
          decode: parseCachedFeatures,
        },
        FN,
      );
    } catch (e) {
      // A folder that cannot be created (read-only, a file in the way): the batch runs uncached and says so once.
      if (typeof (e as { code?: unknown }).code !== 'string' || e instanceof ArgumentError) throw e;
      openWarning = cacheWriteWarning(FN, e);
    }
  }

  const setup: FeatureWorkerSetup = { extractorModule, cell, decode: resolvedDecode };
  let compute: (items: BatchItem[], signal: AbortSignal | undefined) => Promise<BatchOutcome<CellFeatures>[]>;
  let close = async (): Promise<void> => undefined;
  const outcome = (o: ImageOutcome): BatchOutcome<CellFeatures> =>
    o.ok ? { ok: true, value: { status: o.status, measurements: o.measurements, features: o.features } } : o;
  if (workerCount === 0) {
    let extractor: CellExtractor;
    try {
      extractor = await loadCellExtractor(extractorModule);
    } catch (e) {
      throw new Error(`${FN}: cannot load extractorModule: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    compute = async (items) => [
      outcome(await processImageBytes(items[0]!.bytes, extractor, cell, { ...resolvedDecode, name: items[0]!.name })),
    ];
  } else {
    const { startWorkerPool } = await import('../../io/workers/workerPool.js');
    const { toModuleUrl } = await import('../../io/workers/workerModule.js');
    const entry =
      options.workerUrl === undefined
        ? await (await import('./resolveFeatureWorkerUrl.js')).resolveFeatureWorkerUrl()
        : await toModuleUrl(options.workerUrl);
    // Started on the first image not in the cache (a run served from the cache starts no thread).
    let started: Promise<WorkerPool<FeatureWorkerTask, ImageOutcome>> | undefined;
    const start = async (): Promise<WorkerPool<FeatureWorkerTask, ImageOutcome>> => {
      const p = await startWorkerPool<FeatureWorkerTask, ImageOutcome>({ fn: FN, entry, threads: workerCount });
      close = () => p.close();
      try {
        // A start-up probe: a worker module or extractor module that cannot load is one named error, not N failures.
        await p.run({ setup }, signal === undefined ? {} : { signal });
      } catch (e) {
        if (signal?.aborted === true) throw signal.reason;
        throw new Error(`${FN}: worker threads cannot start (${entry.href}): ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      return p;
    };
    compute = async (items, sig) => {
      started ??= start();
      const pool = await started;
      const { bytes, name, owned } = items[0]!;
      // Bytes read from a file, URL or Blob are ours to transfer; caller-owned bytes are copied.
      const whole = owned && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
      try {
        return [outcome(await pool.run({ setup, bytes, name }, { transfer: whole ? [bytes.buffer as ArrayBuffer] : [], ...(sig === undefined ? {} : { signal: sig }) }))];
      } catch (e) {
        if (sig?.aborted === true) throw e;
        return [{ ok: false, message: e instanceof Error ? e.message : String(e) }];
      }
    };
  }
  try {
    const { values, failures, invalidCacheEntries, cacheWarning: writeWarning } = await runCachedBatch<CellFeatures>(sources, {
      stage: 'features',
      fn: FN,
      cache,
      chunk: 1,
      lanes: Math.max(1, workerCount),
      decoder: decoder.name,
      compute,
      onProgress: options.onProgress,
      signal,
    });
    const results: BatchImageResult[] = [];
    values.forEach((v, index) => {
      if (v !== undefined) results.push({ index, source: describeImageSource(sources[index] as ImageSource), cached: v.cached, ...v.value });
    });
    if (openWarning !== undefined) console.warn(openWarning); // a write warning was printed by runCachedBatch
    const cacheWarning = openWarning ?? writeWarning;
    return { results, failures, decoder: decoder.name, invalidCacheEntries, ...(cacheWarning === undefined ? {} : { cacheWarning }) };
  } finally {
    await close();
  }
}
