/**
 * The one driver of the library's per-image batches (handmade features, embeddings): read each source, hash its
 * bytes, serve it from the content cache or compute it (in this thread or a worker pool, in chunks), write the cache
 * as each item completes, report progress, and collect `{ index, source, message }` failures so that one bad image
 * never aborts a batch.
 * @module
 */
import { createProgressReporter } from '../../core/index.js';
import type { ProgressListener, ProgressStage } from '../../core/index.js';
import { describeImageSource } from '../bytes/imageSource.js';
import type { ImageSource } from '../bytes/imageSource.js';
import { sha256Hex } from '../bytes/sha256Hex.js';
import { readImageBytes } from '../bytes/readImageBytes.js';
import type { ContentCache } from './contentCache.js';

/** An image of a batch that could not be processed: unreadable, undecodable, or its computation failed. */
export interface BatchFailure {
  /** Position of the image in the sources. */
  index: number;
  /** Name of the image (path, URL, or `<N bytes>` for bytes). */
  source: string;
  /** What went wrong; it names the source. */
  message: string;
}

/** The `detail` of the progress events of a per-image batch (stages `'features'` and `'embedding'`). */
export interface BatchProgressDetail {
  /** Name of the image just finished (path, URL, or `<N bytes>`). */
  source: string;
  /** Images that failed so far. */
  failed: number;
  /** Images served from the cache so far. */
  cached: number;
  /** Cache entries found invalid so far (recomputed, never served). */
  invalidCacheEntries: number;
  /** The image decoder used (e.g. `'sharp'`). */
  decoder: string;
}

/** One image handed to `compute`: its bytes are read and hashed, and it was not in the cache. */
export interface BatchItem {
  /** Position in the sources. */
  readonly index: number;
  /** Name of the image, for messages. */
  readonly name: string;
  /** The encoded bytes. */
  readonly bytes: Uint8Array;
  /** True when the bytes were read from a file, URL or Blob (ours to transfer); false for the caller's own bytes. */
  readonly owned: boolean;
}

/** What one image became. */
export type BatchOutcome<V> = { ok: true; value: V } | { ok: false; message: string };

/** Options of {@link runCachedBatch}. */
export interface CachedBatchOptions<V> {
  /** The progress stage, e.g. `'features'`. */
  readonly stage: ProgressStage;
  /** The cache, or none. */
  readonly cache: ContentCache<V> | undefined;
  /** Images per `compute` call, ≥ 1. */
  readonly chunk: number;
  /** `compute` calls at once, ≥ 1. */
  readonly lanes: number;
  /** The decoder used, reported in progress. */
  readonly decoder: string;
  /** Computes the images of one chunk: one outcome per item, in order. A throw stops the batch with that error. */
  readonly compute: (items: BatchItem[], signal: AbortSignal | undefined) => Promise<BatchOutcome<V>[]>;
  /** The public function named in the cache warning, e.g. `'extractFeaturesBatch'`. Defaults to the stage. */
  readonly fn?: string | undefined;
  /** The user's listener. */
  readonly onProgress?: ProgressListener<BatchProgressDetail> | undefined;
  /** Stops the batch: no new image starts, the promise rejects with the signal's reason; cached work stays. */
  readonly signal?: AbortSignal | undefined;
}

/** Result of {@link runCachedBatch}. */
export interface CachedBatchResult<V> {
  /** Per source, its value (with whether it came from the cache and the SHA-256 of its bytes), or undefined if failed. */
  values: ({ value: V; cached: boolean; hash: string } | undefined)[];
  /** The failed images, in input order. */
  failures: BatchFailure[];
  /** Cache entries found invalid (recomputed). */
  invalidCacheEntries: number;
  /**
   * Set when the cache could not be written (a read-only or full disk, a folder in the way): the first such error,
   * naming the entry. The batch then went on uncached (its results are complete; only the cache is not); said once,
   * here and with `console.warn`.
   */
  cacheWarning: string | undefined;
}

/** The warning of a batch whose cache could not be written, from the first write error. */
export function cacheWriteWarning(fn: string, error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).slice(0, 300);
  return `${fn}: the cache could not be written (${message}); the batch went on without caching its results`;
}

/** Prefix a message with the source name unless it already names it. */
function naming(source: string, message: string): string {
  return message.includes(source) ? message : `${source}: ${message}`;
}

function text(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Waits for `work`, or rejects with the signal's reason as soon as it aborts (whichever comes first). */
export async function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  signal.throwIfAborted();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort!);
  }
}

/**
 * Runs a per-image batch: see the module. Progress is reported after each image (cache hits and failures too).
 *
 * @param sources - the images
 * @param options - see {@link CachedBatchOptions}
 * @returns the values and failures; every source is in exactly one of them
 * @throws the signal's reason as soon as the signal aborts (even while an image is still being read or computed);
 *   the first error of `compute` or of `onProgress` (an error writing the cache does not stop it: see
 *   {@link CachedBatchResult.cacheWarning})
 */
export async function runCachedBatch<V>(sources: readonly ImageSource[], options: CachedBatchOptions<V>): Promise<CachedBatchResult<V>> {
  const { cache, signal } = options;
  const total = sources.length;
  const values: CachedBatchResult<V>['values'] = new Array(total).fill(undefined);
  const failures: (BatchFailure | undefined)[] = new Array<BatchFailure | undefined>(total);
  const names = sources.map((s) => describeImageSource(s));
  const report = createProgressReporter<BatchProgressDetail>(options.stage, total, options.onProgress);
  const invalidBefore = cache?.stats.invalid ?? 0;
  let done = 0;
  let failed = 0;
  let cached = 0;
  let stop: { error: unknown } | undefined;
  let cacheWarning: string | undefined;
  const stopped = (): boolean => stop !== undefined || (signal?.aborted ?? false);

  const finish = (index: number, outcome: BatchOutcome<V>, hash: string, hit = false): void => {
    const source = names[index] as string;
    if (outcome.ok) {
      values[index] = { value: outcome.value, cached: hit, hash };
      if (hit) cached++;
    } else {
      failures[index] = { index, source, message: naming(source, outcome.message) };
      failed++;
    }
    done++;
    // After an abort the batch has already rejected: late results are kept in the cache but no longer reported.
    if (signal?.aborted !== true) report(done, { source, failed, cached, invalidCacheEntries: (cache?.stats.invalid ?? 0) - invalidBefore, decoder: options.decoder });
  };

  let next = 0;
  const lane = async (): Promise<void> => {
    while (!stopped() && next < total) {
      const start = next;
      const end = Math.min(total, start + options.chunk);
      next = end;
      try {
        const todo: { item: BatchItem; hash: string }[] = [];
        for (let index = start; index < end; index++) {
          const source = sources[index] as ImageSource;
          let bytes: Uint8Array;
          let hash: string;
          try {
            bytes = await readImageBytes(source, signal === undefined ? {} : { signal });
            hash = await sha256Hex(bytes);
          } catch (error) {
            if (signal?.aborted === true) return;
            finish(index, { ok: false, message: text(error) }, '');
            continue;
          }
          const hit = cache === undefined ? undefined : await cache.get(hash);
          if (hit !== undefined) {
            finish(index, { ok: true, value: hit }, hash, true);
            continue;
          }
          const owned = !(source instanceof Uint8Array || source instanceof ArrayBuffer);
          todo.push({ item: { index, name: names[index] as string, bytes, owned }, hash });
        }
        if (todo.length === 0 || stopped()) continue;
        const outcomes = await options.compute(
          todo.map((t) => t.item),
          signal,
        );
        for (const [k, { item, hash }] of todo.entries()) {
          const outcome = outcomes[k] ?? { ok: false as const, message: 'no result' };
          if (outcome.ok && cache !== undefined && cacheWarning === undefined) {
            try {
              await cache.set(hash, outcome.value);
            } catch (error) {
              // Not the batch's failure: its results are complete, only the cache is not. Said once; no more tries.
              cacheWarning ??= cacheWriteWarning(options.fn ?? String(options.stage), error);
              console.warn(cacheWarning);
            }
          }
          finish(item.index, outcome, hash);
        }
      } catch (error) {
        if (signal?.aborted !== true) stop ??= { error };
        return;
      }
    }
  };
  const lanes = Promise.all(Array.from({ length: Math.max(1, Math.min(options.lanes, Math.ceil(total / options.chunk))) }, () => lane()));
  // An abort settles the batch at once, even while a read, a decode or a compute call has not returned yet (their
  // late results are dropped): a stuck source can never hold the caller.
  await untilAborted(lanes, signal);
  if (stop !== undefined) throw stop.error;
  signal?.throwIfAborted();
  return {
    values,
    failures: failures.filter((f): f is BatchFailure => f !== undefined),
    invalidCacheEntries: (cache?.stats.invalid ?? 0) - invalidBefore,
    cacheWarning,
  };
}
