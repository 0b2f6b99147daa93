import { ArgumentError, checkOneOf, checkThat, optionalInteger } from '../../core/index.js';
import type { ProgressListener } from '../../core/index.js';
import type { ImageSource } from '../../io/bytes/imageSource.js';
import { describeImageSource } from '../../io/bytes/imageSource.js';
import { runCachedBatch } from '../../io/cache/runCachedBatch.js';
import type { BatchItem, BatchOutcome, BatchProgressDetail } from '../../io/cache/runCachedBatch.js';
import { resolveDecoder } from '../../io/image/decodeImageBytes.js';
import type { RgbImage } from '../../io/image/rgbImage.js';
import { toContiguousRgb } from '../../io/image/rgbImage.js';
import { buildBackbone, checkBackboneSpec, describeBackboneSpec, isModelBackboneSpec, isOnnxBackboneSpec } from './backboneSpec.js';
import type { BackboneSpec } from './backboneSpec.js';
import { checkEmbedOptions, embedImagesAs, embeddingResults, openEmbeddingCacheOrWarn } from './embedImages.js';
import type { EmbedImagesResult } from './embedImages.js';
import type { ImageEmbedder } from './imageEmbedder.js';
import { loadDecoderModule } from './loadDecoderModule.js';
import { decodeFailure } from './embeddingWorker.js';
import type { EmbeddingWorkerItem, EmbeddingWorkerReply, EmbeddingWorkerSetup, EmbeddingWorkerTask } from './embeddingWorker.js';

/** Options of {@link embedImagesPool}. */
export interface EmbedImagesPoolOptions {
  /**
   * Worker threads, each with its own tfjs wasm backend (one wasm thread each) and its own copy of the
   * backbone. They all start at once (start-up: load tfjs, build the backbone, fingerprint it), also when every
   * image turns out to be cached. `0` embeds in the calling thread with `embedImages` on the active tfjs backend.
   * An ONNX spec never starts threads: it runs in the calling thread as one onnxruntime session with this many
   * intra-op threads (unless its `options.threads` says otherwise).
   * Defaults to the number of cores (`os.availableParallelism()`), capped at the number of forward passes.
   */
  workers?: number;
  /**
   * Images per forward pass. The images are dealt to the threads in runs of `min(batchSize, ⌈N / workers⌉)`,
   * so that a small cohort still keeps every thread busy. Defaults to 32.
   */
  batchSize?: number;
  /**
   * Folder of the on-disk cache, the same as `embedImages`'s (the library's one content cache, same keys, same
   * entries), so either one resumes the other's work; written atomically by the calling thread as each forward pass
   * completes. Null: no cache. Defaults to null.
   */
  cacheDir?: string | null;
  /**
   * Called after each image with the library's `ProgressEvent` (stage `'embedding'`, as `embedImages`; passes finish
   * in any order). Its return value is ignored. Defaults to none.
   */
  onProgress?: ProgressListener<BatchProgressDetail>;
  /** The library decoder the threads use (`'auto'` is resolved here once). Not with `decode` or `decoderModule`. Defaults to `'auto'`. */
  decoder?: 'auto' | 'sharp' | 'jimp';
  /**
   * Turns file bytes into an image in the calling thread; the pixels are then sent to the threads. A
   * function cannot be sent to a thread: to decode in the threads (in parallel) use the default or
   * `decoderModule`. Defaults to none: each thread decodes with `decodeImageBytes` (as `embedImages` does).
   */
  decode?: (bytes: Uint8Array) => Promise<RgbImage>;
  /**
   * Path or URL of an ES module exporting `decodeImageBytes(bytes): Promise<RgbImage>`, imported in every thread
   * (and in the calling thread with `workers: 0`). Not together with `decode`. Defaults to none.
   */
  decoderModule?: string | URL;
  /**
   * URL or path (relative to the working directory) of the worker entry, for bundlers that move it. Defaults
   * to the worker next to this module: `dist/models/backbones/embeddingWorker.js` when built,
   * `embeddingWorker.ts` from source (loaded through tsx).
   */
  workerUrl?: string | URL;
  /**
   * How long each worker thread may take to start (load tfjs, build the backbone, e.g. fetch an http model,
   * fingerprint it), in ms. A thread that has not started by then is terminated: when no thread starts, the
   * call throws naming the spec. An ONNX model loads in the calling thread within the same limit. `Infinity`: no
   * limit. Defaults to 120000 (2 minutes).
   */
  startTimeoutMs?: number;
  /**
   * Stops the run: no new pass starts, passes running in threads are stopped (their threads terminated) and the
   * promise rejects with the signal's reason at once. Cached work stays. Defaults to none.
   */
  signal?: AbortSignal;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const FN = 'embedImagesPool';

/**
 * Embed a cohort of images with a frozen backbone in Node worker threads (the library's one worker pool), one tfjs
 * wasm instance per core: the parallel form of `embedImages`, with the same result, the same cache and the same
 * handling of bad images.
 *
 * The calling thread reads and hashes each image and looks up the cache; the threads decode (unless `decode`
 * is given), resize, normalise and embed. Each thread rebuilds the backbone from `spec` and reports its content id
 * (`backboneFingerprint`), the cache key. One bad image never aborts the run: it lands in `failures` with a message
 * naming it. A thread that crashes fails only the images of its forward pass in flight (the message says it exited
 * and its code) and is replaced for the next pass. An ONNX model is the exception: it runs in the calling thread,
 * one onnxruntime session using the cores itself (see `spec`).
 *
 * On wasm the embeddings equal `embedImages`'s with the same backbone (same steps, same kernels).
 *
 * @param spec - the backbone by value, see {@link BackboneSpec}: a built-in architecture `{ name, options?, weights? }`
 *   or a saved tfjs layers / graph model `{ model: { url, kind }, options? }` that each thread loads itself, or an
 *   ONNX model `{ onnx: { url }, options? }`, run in the calling thread as one onnxruntime session with `workers`
 *   intra-op threads (unless `options.threads` says otherwise): onnxruntime-node loaded in several threads of one
 *   process can abort it
 * @param images - the image sources (paths, URLs, bytes, blobs); caller-owned bytes are copied, never detached
 * @param options - see {@link EmbedImagesPoolOptions}
 * @returns `{ results, failures, embeddingSize, backboneId, decoder, invalidCacheEntries }`, as `embedImages`
 * @throws ArgumentError naming `embedImagesPool` for a bad spec, images that are not image sources (e.g. cohort
 *   `Patient`s), `batchSize`, `workers`, `startTimeoutMs`, or more than one of `decode`, `decoderModule`, `decoder`;
 *   Error naming it and the spec when the backbone cannot be built in a thread (e.g. an unreadable checkpoint) or
 *   no thread starts within `startTimeoutMs`, or when two threads build backbones with different ids; errors of the
 *   cache folder; the signal's reason when aborted
 * @example
 * const { results, failures, backboneId } = await embedImagesPool(
 *   { name: 'convnext_tiny', weights: 'weights/convnext_tiny.safetensors' },
 *   paths,
 *   { cacheDir: '.cache', onProgress: ({ done, total }) => console.log(`${done}/${total}`) },
 * );
 * // any saved tfjs model as the frozen backbone
 * await embedImagesPool({ model: { url: 'models/my-cnn', kind: 'layers' }, options: { inputSize: 96 } }, paths);
 */
export async function embedImagesPool(
  spec: BackboneSpec,
  images: readonly ImageSource[],
  options: EmbedImagesPoolOptions = {},
): Promise<EmbedImagesResult> {
  checkBackboneSpec(spec, FN);
  const { decoderModule: moduleOption, decoder: decoderOption, ...rest } = options;
  const batchSize = checkEmbedOptions(FN, images, rest);
  const workers = optionalInteger(FN, 'options.workers', options.workers, -1, { min: 0 });
  const startTimeoutMs = options.startTimeoutMs ?? 120_000;
  checkThat(typeof startTimeoutMs === 'number' && startTimeoutMs > 0, FN, 'options.startTimeoutMs', 'a positive number of ms (or Infinity)', startTimeoutMs);
  const chosen = [options.decode, moduleOption, decoderOption].filter((x) => x !== undefined).length;
  if (chosen > 1) {
    throw new ArgumentError(FN, 'options', 'at most one of decode (calling thread), decoderModule (threads) and decoder', 'more than one');
  }
  if (decoderOption !== undefined) checkOneOf(FN, 'options.decoder', decoderOption, ['auto', 'sharp', 'jimp'] as const);
  options.signal?.throwIfAborted();
  const { toModuleUrl } = await import('../../io/workers/workerModule.js');
  const decoderModule = moduleOption === undefined ? undefined : (await toModuleUrl(moduleOption)).href;
  const cacheDir = options.cacheDir ?? null;
  const threads = workers === -1 ? (await import('node:os')).availableParallelism() : workers;

  if (threads === 0) return embedHere(spec, images, batchSize, cacheDir, options, decoderModule);
  if (isOnnxBackboneSpec(spec)) {
    // onnxruntime-node runs in the calling thread, never in worker threads: with a session in the main thread and
    // sessions in threads, a later pool's threads loading it after an earlier pool's threads exited now and then
    // aborted the whole process ("terminate called after throwing an instance of 'Napi::Error'"). One session with
    // `threads` intra-op threads uses the cores instead.
    const own = spec.options?.threads === undefined ? { ...spec, options: { ...spec.options, threads } } : spec;
    return embedHere(own, images, batchSize, cacheDir, options, decoderModule, startTimeoutMs);
  }

  const resolved = decoderModule === undefined && options.decode === undefined ? (await resolveDecoder(decoderOption ?? 'auto')).name : undefined;
  const decoderName = options.decode !== undefined ? 'custom' : decoderModule !== undefined ? `module:${decoderModule}` : (resolved as string);
  const total = images.length;
  const chunk = Math.max(1, Math.min(batchSize, Math.ceil(total / threads)));
  const laneCount = Math.max(1, Math.min(threads, Math.ceil(total / chunk)));
  const { startWorkerPool } = await import('../../io/workers/workerPool.js');
  const entry =
    options.workerUrl === undefined
      ? await (await import('./resolveEmbeddingWorkerUrl.js')).resolveEmbeddingWorkerUrl()
      : await toModuleUrl(options.workerUrl);
  const setup: EmbeddingWorkerSetup = { spec, decoderModule, decoder: (resolved ?? 'jimp') as EmbeddingWorkerSetup['decoder'] };
  const pool = await startWorkerPool<EmbeddingWorkerTask, EmbeddingWorkerReply>({ fn: FN, entry, threads: laneCount });
  try {
    // Every thread builds its backbone at once (their start-ups overlap); the first one ready tells the backbone's
    // id and D, the cache key, before any image is looked up.
    const start = async (): Promise<EmbeddingWorkerReply> => {
      const timeout = new AbortController();
      const timer = Number.isFinite(startTimeoutMs)
        ? setTimeout(() => timeout.abort(new Error(`worker thread did not build the backbone within ${startTimeoutMs} ms (startTimeoutMs)`)), startTimeoutMs)
        : undefined;
      const signal = options.signal === undefined ? timeout.signal : AbortSignal.any([timeout.signal, options.signal]);
      try {
        return await pool.run({ kind: 'start', setup }, { signal });
      } finally {
        clearTimeout(timer);
      }
    };
    const starts = Array.from({ length: laneCount }, () => start());
    for (const s of starts) s.catch(() => undefined); // a thread that failed to start is replaced; its error shows below
    let first: EmbeddingWorkerReply;
    try {
      first = await Promise.any(starts);
    } catch (e) {
      options.signal?.throwIfAborted();
      const cause = e instanceof AggregateError ? e.errors[0] : e;
      throw new Error(`${FN}: cannot build the ${describeBackboneSpec(spec)} backbone in a worker thread: ${message(cause)}`, { cause });
    }
    const { backboneId, embeddingSize: d } = first;
    const { cache, openWarning } = await openEmbeddingCacheOrWarn(cacheDir, backboneId, d, decoderName, FN);

    const compute = async (items: BatchItem[], signal: AbortSignal | undefined): Promise<BatchOutcome<Float32Array>[]> => {
      const outcomes: BatchOutcome<Float32Array>[] = items.map(() => ({ ok: false, message: 'not embedded' }));
      const sent: { slot: number; item: EmbeddingWorkerItem }[] = [];
      const transfer: ArrayBuffer[] = [];
      for (const [slot, { bytes, name, owned }] of items.entries()) {
        if (options.decode === undefined) {
          // Bytes read from a file, URL or Blob are ours to transfer; caller-owned bytes are copied.
          const b = bytes.buffer;
          if (owned && b instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === b.byteLength) transfer.push(b);
          sent.push({ slot, item: { kind: 'bytes', bytes, name } });
          continue;
        }
        try {
          const image = toContiguousRgb(await options.decode(bytes), FN);
          const [height, width] = image.shape as [number, number, number];
          // Copied, not transferred: the decoder may keep the image (e.g. a cache of its own).
          sent.push({ slot, item: { kind: 'pixels', data: image.data as Uint8Array, height, width, name } });
        } catch (e) {
          outcomes[slot] = { ok: false, message: decodeFailure(name, e) };
        }
      }
      if (sent.length === 0) return outcomes;
      let reply: EmbeddingWorkerReply;
      try {
        reply = await pool.run({ kind: 'embed', setup, items: sent.map((s) => s.item) }, { transfer, ...(signal === undefined ? {} : { signal }) });
      } catch (e) {
        if (signal?.aborted === true) throw e;
        for (const { slot, item } of sent) outcomes[slot] = { ok: false, message: `cannot embed ${item.name}: ${message(e)}` };
        return outcomes;
      }
      if (reply.backboneId !== backboneId) {
        throw new Error(
          `${FN}: worker threads built different backbones (${reply.backboneId} vs ${backboneId})` +
            (!isModelBackboneSpec(spec) && !isOnnxBackboneSpec(spec) && (spec.weights ?? null) === null
              ? '; random weights are not reproducible with seed 0 (tfjs initialisers take seed 0 for no seed): ' +
                'pass a checkpoint or options.seed ≥ 1'
              : ''),
        );
      }
      sent.forEach(({ slot }, k) => {
        const r = reply.results[k] ?? { error: 'no answer from the worker thread' };
        outcomes[slot] = 'embedding' in r ? { ok: true, value: r.embedding } : { ok: false, message: r.error };
      });
      return outcomes;
    };
    const { values, failures, invalidCacheEntries, cacheWarning } = await runCachedBatch<Float32Array>(images, {
      stage: 'embedding',
      fn: FN,
      cache,
      chunk,
      lanes: laneCount,
      decoder: decoderName,
      compute,
      onProgress: options.onProgress,
      signal: options.signal,
    });
    const names = images.map((s) => describeImageSource(s));
    const warning = openWarning ?? cacheWarning;
    return {
      results: embeddingResults(values, names),
      failures,
      embeddingSize: d,
      backboneId,
      decoder: decoderName,
      invalidCacheEntries,
      ...(warning === undefined ? {} : { cacheWarning: warning }),
    };
  } finally {
    await pool.close();
  }
}

/** `workers: 0`: build the backbone here and run `embedImages` on the active backend. */
async function embedHere(
  spec: BackboneSpec,
  images: readonly ImageSource[],
  batchSize: number,
  cacheDir: string | null,
  options: EmbedImagesPoolOptions,
  decoderModule: string | undefined,
  startTimeoutMs?: number,
): Promise<EmbedImagesResult> {
  const decode = decoderModule === undefined ? options.decode : await loadDecoderModule(decoderModule);
  const backbone = startTimeoutMs === undefined ? await buildBackbone(spec) : await buildWithin(spec, startTimeoutMs, options.signal);
  if (options.signal?.aborted === true) {
    backbone.dispose();
    throw options.signal.reason;
  }
  try {
    return await embedImagesAs(FN, decoderModule === undefined ? undefined : `module:${decoderModule}`, backbone, images, {
      batchSize,
      cacheDir,
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      ...(decode === undefined ? {} : { decode }),
      ...(decode === undefined && options.decoder !== undefined ? { decoder: options.decoder } : {}),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  } finally {
    backbone.dispose();
  }
}

/**
 * Builds the backbone in the calling thread for the pool: its errors name the pool and the spec, and it gives up
 * after `ms` (`startTimeoutMs`, e.g. a stalled http model) or when `signal` aborts; a backbone built too late is
 * disposed.
 */
async function buildWithin(spec: BackboneSpec, ms: number, signal: AbortSignal | undefined): Promise<ImageEmbedder> {
  const what = `${FN}: cannot build the ${describeBackboneSpec(spec)} backbone`;
  const building = buildBackbone(spec);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    if (Number.isFinite(ms)) timer = setTimeout(() => reject(new Error(`${what}: not built within ${ms} ms (startTimeoutMs)`)), ms);
    onAbort = () => reject(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([
      building.catch((e: unknown) => {
        throw new Error(`${what}: ${message(e)}`, { cause: e });
      }),
      stopped,
    ]);
  } catch (e) {
    void building.then((b) => b.dispose(), () => undefined);
    throw e;
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
  }
}
