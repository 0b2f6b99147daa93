import type { ImageSource } from '../../io/bytes/imageSource.js';
import { describeImageSource } from '../../io/bytes/imageSource.js';
import { atomicWriteFile } from '../../io/bytes/atomicWriteFile.js';
import { readImageBytes } from '../../io/bytes/readImageBytes.js';
import type { RgbImage } from '../../io/image/rgbImage.js';
import { toContiguousRgb } from '../../io/image/rgbImage.js';
import { buildBackbone, checkBackboneSpec, describeBackboneSpec, isModelBackboneSpec } from './backboneSpec.js';
import type { BackboneSpec } from './backboneSpec.js';
import { embedImages } from './embedImages.js';
import { loadDecoderModule } from './loadDecoderModule.js';
import type { EmbedImagesResult, EmbedProgress, EmbeddedImage } from './embedImages.js';
import type { EmbeddingThread } from './embeddingThread.js';
import type { EmbeddingWorkerData, EmbeddingWorkerItem } from './embeddingWorker.js';

/** Options of {@link embedImagesPool}. */
export interface EmbedImagesPoolOptions {
  /**
   * Worker threads, each with its own tfjs wasm backend (one wasm thread each) and its own copy of the
   * backbone. They all start at once (start-up: load tfjs, build the backbone, fingerprint it), also when every
   * image turns out to be cached. `0` embeds in the calling thread with `embedImages` on the active tfjs backend.
   * Defaults to the number of cores (`os.availableParallelism()`), capped at the number of forward passes.
   */
  workers?: number;
  /**
   * Images per forward pass. The images are dealt to the threads in runs of `min(batchSize, ⌈N / workers⌉)`,
   * so that a small cohort still keeps every thread busy. Defaults to 32.
   */
  batchSize?: number;
  /**
   * Folder of the on-disk cache, the same as `embedImages`'s (same keys, same files), so either one resumes the
   * other's work: `<cacheDir>/<backbone id>/<image SHA-256>.f32`, written atomically by the calling thread.
   * Null: no cache. Defaults to null.
   */
  cacheDir?: string | null;
  /** Called after each forward pass (with cumulative counts; passes finish in any order). Defaults to none. */
  onProgress?: (progress: EmbedProgress) => void;
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
   * call throws naming the spec; a replacement thread that does not start fails the images of its pass.
   * `Infinity`: no limit. Defaults to 120000 (2 minutes).
   */
  startTimeoutMs?: number;
}

function hex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The whole buffer of `bytes` when they own it exactly (so it can be transferred), else null. */
function ownBuffer(bytes: Uint8Array): ArrayBuffer | null {
  const b = bytes.buffer;
  return b instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === b.byteLength ? b : null;
}

/**
 * Embed a cohort of images with a frozen backbone in Node worker threads, one tfjs wasm instance per core: the
 * parallel form of `embedImages`, with the same result, the same cache and the same handling of bad images.
 *
 * The calling thread reads and hashes each image and looks up the cache; the threads decode (unless `decode`
 * is given), resize, normalise and embed, and transfer the embeddings back. Each thread rebuilds the backbone
 * from `spec` and reports its content id (`backboneFingerprint`), the cache key. One bad image never aborts
 * the run: it gets `embedding: null` and its `error`. A thread that crashes fails only the images of its
 * forward pass in flight (`error` says it exited and why) and is replaced for the next pass.
 *
 * On wasm the embeddings equal `embedImages`'s with the same backbone (same steps, same kernels).
 *
 * @param spec - the backbone by value, see {@link BackboneSpec}: a built-in architecture `{ name, options?, weights? }`
 *   or a saved tfjs layers / graph model `{ model: { url, kind }, options? }` that each thread loads itself
 * @param images - the image sources (paths, URLs, bytes, blobs); caller-owned bytes are copied, never detached
 * @param options - see {@link EmbedImagesPoolOptions}
 * @returns one `EmbeddedImage` per image in input order, D, and the backbone id, as `embedImages`
 * @throws TypeError naming `embedImagesPool` for a bad spec, `batchSize`, `workers`, `startTimeoutMs`, or both
 *   `decode` and `decoderModule`; Error naming it and the spec when the backbone cannot be built in a thread
 *   (e.g. an unreadable checkpoint) or no thread starts within `startTimeoutMs`, or when two threads build
 *   backbones with different ids; errors of the cache folder
 * @example
 * const { images, backboneId } = await embedImagesPool(
 *   { name: 'convnext_tiny', weights: 'weights/convnext_tiny.safetensors' },
 *   paths,
 *   { cacheDir: '.cache/embeddings', onProgress: ({ done, total }) => console.log(`${done}/${total}`) },
 * );
 * // any saved tfjs model as the frozen backbone
 * await embedImagesPool({ model: { url: 'models/my-cnn', kind: 'layers' }, options: { inputSize: 96 } }, paths);
 */
export async function embedImagesPool(
  spec: BackboneSpec,
  images: readonly ImageSource[],
  options: EmbedImagesPoolOptions = {},
): Promise<EmbedImagesResult> {
  checkBackboneSpec(spec, 'embedImagesPool');
  if (!Array.isArray(images)) {
    throw new TypeError(`embedImagesPool: expected an array of image sources, got ${Object.prototype.toString.call(images)}`);
  }
  const batchSize = options.batchSize ?? 32;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new TypeError(`embedImagesPool: batchSize must be a positive integer, got ${batchSize}`);
  }
  if (options.workers !== undefined && (!Number.isSafeInteger(options.workers) || options.workers < 0)) {
    throw new TypeError(`embedImagesPool: workers must be an integer ≥ 0, got ${options.workers}`);
  }
  const startTimeoutMs = options.startTimeoutMs ?? 120_000;
  if (typeof startTimeoutMs !== 'number' || !(startTimeoutMs > 0)) {
    throw new TypeError(`embedImagesPool: startTimeoutMs must be a positive number of ms (or Infinity), got ${String(startTimeoutMs)}`);
  }
  if (options.decode !== undefined && options.decoderModule !== undefined) {
    throw new TypeError('embedImagesPool: pass decode (calling thread) or decoderModule (threads), not both');
  }
  const { toModuleUrl } = await import('../../features/batch/workerThreadEntry.js');
  const decoderModule = options.decoderModule === undefined ? undefined : (await toModuleUrl(options.decoderModule)).href;
  const cacheDir = options.cacheDir ?? null;
  const workers = options.workers ?? (await import('node:os')).availableParallelism();

  if (workers === 0) return embedHere(spec, images, batchSize, cacheDir, options, decoderModule);

  const total = images.length;
  const chunk = Math.max(1, Math.min(batchSize, Math.ceil(total / workers)));
  const laneCount = Math.max(1, Math.min(workers, Math.ceil(total / chunk)));
  const { resolveEmbeddingWorkerUrl, startEmbeddingThread } = await import('./embeddingThread.js');
  const entry = options.workerUrl === undefined ? await resolveEmbeddingWorkerUrl() : await toModuleUrl(options.workerUrl);
  const data: EmbeddingWorkerData = { spec, decoderModule };
  const threads: EmbeddingThread[] = [];
  const spawn = async (): Promise<EmbeddingThread> => {
    const t = await startEmbeddingThread(data, entry, startTimeoutMs);
    threads.push(t);
    return t;
  };

  // All threads start at once (their start-ups overlap); the first one ready tells the backbone's id and D,
  // the cache key, before any image is looked up.
  const starts = Array.from({ length: laneCount }, () => spawn());
  for (const s of starts) s.catch(() => undefined); // a failed start is reported below or fails its lane's images
  let first: EmbeddingThread;
  try {
    first = await Promise.any(starts);
  } catch (e) {
    await Promise.all(threads.map((t) => t.terminate()));
    const cause = e instanceof AggregateError ? e.errors[0] : e;
    throw new Error(
      `embedImagesPool: cannot build the ${describeBackboneSpec(spec)} backbone in a worker thread: ${message(cause)}`,
      { cause },
    );
  }
  const { backboneId, embeddingSize: d } = first.ready;
  try {
    let folder: string | null = null;
    const fs = cacheDir === null ? null : await import('node:fs/promises');
    if (fs !== null && cacheDir !== null) {
      folder = (await import('node:path')).join(cacheDir, backboneId);
      await fs.mkdir(folder, { recursive: true });
    }
    const out: EmbeddedImage[] = new Array<EmbeddedImage>(total);
    const progress: EmbedProgress = { done: 0, total, cached: 0, failed: 0 };
    let next = 0;
    let stop: { error: unknown } | undefined;

    const pass = async (start: number, thread: EmbeddingThread | undefined): Promise<EmbeddingThread | undefined> => {
      const entries: EmbeddedImage[] = [];
      const todo: { entry: EmbeddedImage; item: EmbeddingWorkerItem }[] = [];
      const transfer: ArrayBuffer[] = [];
      for (let i = start; i < Math.min(start + chunk, total); i++) {
        const source = images[i] as ImageSource;
        const name = describeImageSource(source);
        const entry: EmbeddedImage = { embedding: null, error: null, cached: false, hash: null };
        entries.push(entry);
        out[i] = entry;
        let bytes: Uint8Array;
        try {
          bytes = await readImageBytes(source);
          entry.hash = hex(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
        } catch (e) {
          entry.error = `cannot read ${name}: ${message(e)}`;
          continue;
        }
        if (fs !== null && folder !== null) {
          const hit = await fs.readFile(`${folder}/${entry.hash}.f32`).catch(() => null);
          if (hit !== null && hit.byteLength === 4 * d) {
            entry.embedding = new Float32Array(hit.buffer.slice(hit.byteOffset, hit.byteOffset + hit.byteLength));
            entry.cached = true;
            continue;
          }
        }
        if (options.decode === undefined) {
          // Bytes read from a file, URL or Blob are ours to transfer; caller-owned bytes are copied.
          const own = source instanceof Uint8Array || source instanceof ArrayBuffer ? null : ownBuffer(bytes);
          if (own !== null) transfer.push(own);
          todo.push({ entry, item: { kind: 'bytes', bytes, name } });
          continue;
        }
        try {
          const image = toContiguousRgb(await options.decode(bytes), 'embedImagesPool');
          const [height, width] = image.shape as [number, number, number];
          // Copied, not transferred: the decoder may keep the image (e.g. a cache of its own).
          const pixels = image.data as Uint8Array;
          todo.push({ entry, item: { kind: 'pixels', data: pixels, height, width, name } });
        } catch (e) {
          entry.error = `cannot decode ${name}: ${message(e)}`;
        }
      }
      if (todo.length > 0) {
        let results: ({ embedding: Float32Array } | { error: string })[];
        try {
          if (thread === undefined || !thread.alive) thread = await spawn();
          if (thread.ready.backboneId !== backboneId) {
            throw new Error(
              `embedImagesPool: worker threads built different backbones (${thread.ready.backboneId} vs ${backboneId})` +
                (!isModelBackboneSpec(spec) && (spec.weights ?? null) === null
                  ? '; random weights are not reproducible with seed 0 (tfjs initialisers take seed 0 for no seed): ' +
                    'pass a checkpoint or options.seed ≥ 1'
                  : ''),
            );
          }
          results = await thread.run(
            todo.map((t) => t.item),
            transfer,
          );
        } catch (e) {
          if (message(e).startsWith('embedImagesPool:')) throw e;
          results = todo.map(() => ({ error: `worker thread failed to start: ${message(e)}` }));
        }
        for (const [k, { entry, item }] of todo.entries()) {
          const r = results[k] ?? { error: 'no answer from the worker thread' };
          if ('embedding' in r) {
            entry.embedding = r.embedding;
            if (folder !== null) {
              const e = r.embedding;
              await atomicWriteFile(`${folder}/${entry.hash}.f32`, new Uint8Array(e.buffer, e.byteOffset, e.byteLength));
            }
          } else {
            entry.error = r.error.startsWith('cannot ') ? r.error : `cannot embed ${item.name}: ${r.error}`;
          }
        }
      }
      for (const e of entries) {
        progress.done++;
        if (e.cached) progress.cached++;
        if (e.error !== null) progress.failed++;
      }
      options.onProgress?.({ ...progress });
      return thread;
    };

    const lane = async (thread: EmbeddingThread | undefined): Promise<void> => {
      while (stop === undefined && next < total) {
        const start = next;
        next += chunk;
        try {
          thread = await pass(start, thread);
        } catch (error) {
          stop ??= { error };
        }
      }
    };
    await Promise.all(starts.map(async (start) => lane(await start.catch(() => undefined))));
    if (stop !== undefined) throw stop.error;
    return { images: out, embeddingSize: d, backboneId };
  } finally {
    await Promise.allSettled(starts); // threads still starting join `threads` first
    await Promise.all(threads.map((t) => t.terminate()));
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
): Promise<EmbedImagesResult> {
  const decode = decoderModule === undefined ? options.decode : await loadDecoderModule(decoderModule);
  const backbone = await buildBackbone(spec);
  try {
    return await embedImages(backbone, images, {
      batchSize,
      cacheDir,
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      ...(decode === undefined ? {} : { decode }),
    });
  } finally {
    backbone.dispose();
  }
}
