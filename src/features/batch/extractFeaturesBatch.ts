import type { DecodeImageOptions, ImageSource } from '../../io/index.js';
import { describeImageSource, readImageBytes, resolveDecoder } from '../../io/index.js';
import type { CellFeatureOptions, CellFeatures } from '../cell/index.js';
import { openFeatureCache } from './featureCache.js';
import type { FeatureCache } from './featureCache.js';
import type { FeatureWorker } from './featureWorker.js';
import { loadCellExtractor, processImageBytes } from './processImageBytes.js';
import type { CellExtractor, ImageOutcome } from './processImageBytes.js';

/** Progress of a batch, reported after every image (including cache hits and failures). */
export interface BatchProgress {
  /** Images finished so far (succeeded + failed), 1 … total. */
  done: number;
  /** Number of sources in the batch. */
  total: number;
  /** Images that failed so far (≤ done). */
  failed: number;
  /** Name of the image just finished (path, URL, or `<N bytes>`). */
  source: string;
}

/** The features of one image of a batch. */
export interface BatchImageResult extends CellFeatures {
  /** Position of the image in `sources`. */
  index: number;
  /** Name of the image (path, URL, or `<N bytes>` for bytes). */
  source: string;
  /** True when the features came from the cache. */
  cached: boolean;
}

/** An image of a batch that could not be processed (unreadable, undecodable, or the extractor threw). */
export interface BatchFailure {
  /** Position of the image in `sources`. */
  index: number;
  /** Name of the image (path, URL, or `<N bytes>` for bytes). */
  source: string;
  /** What went wrong; it starts with the source's name. */
  message: string;
}

/** Result of {@link extractFeaturesBatch}: every source is in exactly one of the two lists. */
export interface FeaturesBatchResult {
  /** Images that were processed (any status, `ok` or not), in input order. */
  results: BatchImageResult[];
  /** Images that failed, in input order. */
  failures: BatchFailure[];
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
   * Options for `decodeImageBytes` (its `signal` and `name` are ignored: the batch has its own
   * `signal` and names each image). With workers, `decoder` must be `'jimp'`, `'sharp'` or
   * `'auto'` (an `ImageDecoder` object cannot be sent to a thread). Defaults to `{}` (jimp).
   */
  decode?: DecodeImageOptions;
  /**
   * Folder of the on-disk feature cache (Node only), keyed by the SHA-256 of each image's bytes,
   * `cell`, `decode`, `extractorModule` and {@link FEATURE_CACHE_VERSION}. Entries are written
   * atomically as soon as an image is done, so an interrupted run resumes where it stopped.
   * Failures are not cached; a failure to write an entry (e.g. a full disk) stops the batch with
   * that error. Defaults to none (no cache).
   */
  cacheDir?: string;
  /** Called after every image. An exception thrown by it aborts the batch. Defaults to none. */
  onProgress?: (progress: BatchProgress) => void;
  /**
   * Path or URL of an ES module replacing the per-image steps by exporting `decodeImageBytes` and/or
   * `extractCellFeatures` (see {@link CellExtractor}); it is imported in every worker. Defaults to
   * the library's own steps.
   */
  extractorModule?: string | URL;
  /**
   * URL or path (relative to the working directory) of the worker entry (the built `worker.js`),
   * for bundlers that move it. Defaults to the
   * worker next to this module: `dist/features/batch/worker.js` when built, `worker.ts` from
   * source (loaded through tsx).
   */
  workerUrl?: string | URL;
  /** Stops the batch: no new image starts and the promise rejects with the signal's reason. Cached work stays. Defaults to none. */
  signal?: AbortSignal;
}

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Prefix a message with the source name unless it already names it. */
function naming(source: string, message: string): string {
  return message.includes(source) ? message : `${source}: ${message}`;
}

/**
 * Extract the handmade features of many cell images, in parallel worker threads (Node) or in
 * this thread (browsers, or `workers: 0`), with an optional resumable on-disk cache.
 *
 * One bad image never aborts the batch: it lands in `failures` with a message naming it, and
 * every other image is still processed (and cached). Results keep the input order.
 *
 * @param sources - the images: file paths, URLs, encoded bytes or Blobs (see `ImageSource`)
 * @param options - see {@link ExtractFeaturesBatchOptions}
 * @returns `{ results, failures }`; each source appears in exactly one of them, with its `index`
 * @throws TypeError naming the function when `sources` is not an array or `workers` not an integer ≥ 0
 * @throws the signal's reason when `options.signal` aborts (work done so far stays cached)
 * @example
 * const { results, failures } = await extractFeaturesBatch(paths, {
 *   cacheDir: '.cache/features',
 *   onProgress: ({ done, total, failed }) => console.log(`${done}/${total} (${failed} failed)`),
 * });
 * const ok = results.filter((r) => r.status === 'ok'); // r.features: 51 named numbers
 */
export async function extractFeaturesBatch(
  sources: readonly ImageSource[],
  options: ExtractFeaturesBatchOptions = {},
): Promise<FeaturesBatchResult> {
  if (!Array.isArray(sources)) {
    throw new TypeError(`extractFeaturesBatch: expected an array of image sources, got ${Object.prototype.toString.call(sources)}`);
  }
  const node = isNode();
  if (options.workers !== undefined && (!Number.isInteger(options.workers) || options.workers < 0)) {
    throw new TypeError(`extractFeaturesBatch: expected workers to be an integer ≥ 0, got ${String(options.workers)}`);
  }
  if (options.workers !== undefined && options.workers > 0 && !node) {
    throw new TypeError(`extractFeaturesBatch: workers: ${options.workers} needs Node worker_threads; use workers: 0 here`);
  }
  if (options.cacheDir !== undefined && !node) {
    throw new TypeError('extractFeaturesBatch: cacheDir needs Node (an on-disk cache)');
  }
  const signal = options.signal;
  signal?.throwIfAborted();

  const total = sources.length;
  const cell = options.cell ?? {};
  // The batch reads the bytes itself (and has its own signal); `name` is set per image.
  const { signal: _decodeSignal, name: _decodeName, ...decode } = options.decode ?? {};
  const decoder = decode.decoder;
  if (decoder !== undefined && typeof decoder === 'object' && (options.workers ?? (node ? 1 : 0)) > 0) {
    throw new TypeError(
      `extractFeaturesBatch: decode.decoder '${decoder.name}' is an object, which cannot be sent to worker threads; ` +
        "use 'jimp', 'sharp' or 'auto', or workers: 0",
    );
  }
  // Resolved here once (paths against the working directory), so the cache key and every thread agree.
  const extractorModule = options.extractorModule === undefined
    ? undefined
    : node
      ? (await (await import('./featureWorker.js')).toModuleUrl(options.extractorModule)).href
      : String(options.extractorModule);
  const names = sources.map((s) => describeImageSource(s));
  const results: (BatchImageResult | undefined)[] = new Array<BatchImageResult | undefined>(total);
  const failures: (BatchFailure | undefined)[] = new Array<BatchFailure | undefined>(total);
  if (total === 0) return { results: [], failures: [] };

  const cache: FeatureCache | undefined = options.cacheDir === undefined
    ? undefined
    : await openFeatureCache(options.cacheDir, {
        // The decoder by its resolved name: 'auto' means sharp or jimp depending on what is installed, and the two
        // give slightly different pixels, so entries made by one must not be served for the other.
        settings: { cell, decode: { ...decode, decoder: (await resolveDecoder(decoder)).name }, extractorModule },
      });

  let workerCount = options.workers;
  if (workerCount === undefined) {
    workerCount = node ? (await import('node:os')).availableParallelism() : 0;
  }
  workerCount = Math.min(workerCount, total);

  let done = 0;
  let failed = 0;
  let stopError: { error: unknown } | undefined;
  const finish = (index: number, outcome: ImageOutcome, cached: boolean): void => {
    const source = names[index] as string;
    if (outcome.ok) {
      results[index] = { index, source, cached, status: outcome.status, measurements: outcome.measurements, features: outcome.features };
    } else {
      failures[index] = { index, source, message: naming(source, outcome.message) };
      failed++;
    }
    done++;
    options.onProgress?.({ done, total, failed, source });
  };

  // Per-image steps in this thread: only loaded when some image is computed without workers.
  let local: Promise<CellExtractor> | undefined;
  const computeHere = async (bytes: Uint8Array, name: string): Promise<ImageOutcome> => {
    local ??= loadCellExtractor(extractorModule);
    let extractor: CellExtractor;
    try {
      extractor = await local;
    } catch (error) {
      return { ok: false, message: errorText(error) };
    }
    return processImageBytes(bytes, extractor, cell, { ...decode, name });
  };

  let workerEntry: URL | undefined;
  const workers: FeatureWorker[] = [];
  const startWorker = async (): Promise<FeatureWorker> => {
    const { resolveFeatureWorkerUrl, startFeatureWorker, toModuleUrl } = await import('./featureWorker.js');
    workerEntry ??= options.workerUrl === undefined ? await resolveFeatureWorkerUrl() : await toModuleUrl(options.workerUrl);
    const w = await startFeatureWorker({ extractorModule, cell, decode }, workerEntry);
    workers.push(w);
    return w;
  };

  let next = 0;
  const lane = async (useWorker: boolean): Promise<void> => {
    let worker: FeatureWorker | undefined;
    while (stopError === undefined && !(signal?.aborted ?? false) && next < total) {
      const index = next++;
      const source = sources[index] as ImageSource;
      const name = names[index] as string;
      let outcome: ImageOutcome;
      let cached = false;
      let key: string | undefined;
      try {
        const bytes = await readImageBytes(source);
        key = cache?.key(bytes);
        const hit = key === undefined ? undefined : await cache?.get(key);
        if (hit !== undefined) {
          outcome = { ok: true, ...hit };
          cached = true;
        } else if (useWorker) {
          if (worker === undefined || !worker.alive) worker = await startWorker();
          // Bytes read from a file, URL or Blob are ours to transfer; caller-owned bytes are copied.
          outcome = await worker.run(bytes, name, !(source instanceof Uint8Array || source instanceof ArrayBuffer));
        } else {
          outcome = await computeHere(bytes, name);
        }
      } catch (error) {
        outcome = { ok: false, message: errorText(error) };
      }
      try {
        if (outcome.ok && !cached && key !== undefined && cache !== undefined) {
          const { status, measurements, features } = outcome;
          await cache.set(key, { status, measurements, features });
        }
        finish(index, outcome, cached);
      } catch (error) {
        stopError ??= { error };
      }
    }
  };

  try {
    const lanes = workerCount === 0 ? [lane(false)] : Array.from({ length: workerCount }, () => lane(true));
    await Promise.all(lanes);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  if (stopError !== undefined) throw stopError.error;
  signal?.throwIfAborted();
  return {
    results: results.filter((r): r is BatchImageResult => r !== undefined),
    failures: failures.filter((f): f is BatchFailure => f !== undefined),
  };
}
