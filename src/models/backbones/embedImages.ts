import { ArgumentError, checkFunction, checkInteger, checkOptions, checkString, checkThat } from '../../core/index.js';
import type { ProgressListener } from '../../core/index.js';
import type { ImageSource } from '../../io/bytes/imageSource.js';
import { checkImageSources, describeImageSource } from '../../io/bytes/imageSource.js';
import { openContentCache } from '../../io/cache/contentCache.js';
import type { ContentCache } from '../../io/cache/contentCache.js';
import { cacheWriteWarning, runCachedBatch } from '../../io/cache/runCachedBatch.js';
import type { BatchFailure, BatchItem, BatchOutcome, BatchProgressDetail } from '../../io/cache/runCachedBatch.js';
import { decodeImageBytes, resolveDecoder } from '../../io/image/decodeImageBytes.js';
import type { DecoderChoice } from '../../io/image/decodeImageBytes.js';
import type { RgbImage } from '../../io/image/rgbImage.js';
import type { ImageEmbedder } from './imageEmbedder.js';
import { backboneFingerprint } from './backboneFingerprint.js';
import { embedItems } from './embeddingWorker.js';

export type { BatchFailure, BatchProgressDetail };

/** Version of the embedding steps (decode, resize, normalise) as far as the cache is concerned. */
export const EMBEDDING_CACHE_VERSION = 1;

/** Options of {@link embedImages}. */
export interface EmbedImagesOptions {
  /** Images per forward pass. Defaults to 32. */
  batchSize?: number;
  /**
   * Folder of the on-disk cache (Node), the library's one content cache (`openContentCache`, kind `'embedding'`):
   * keyed by the SHA-256 of each image's bytes, the backbone's content id, the decoder actually used and
   * {@link EMBEDDING_CACHE_VERSION}; an entry (the D float32 values, little-endian, base64) is written atomically as
   * each forward pass completes, so an interrupted run resumes where it stopped; an entry with missing or
   * non-finite values (or another length than D) is recomputed and counted, never served. `embedImagesPool` shares
   * it. Null: no cache. Defaults to null.
   */
  cacheDir?: string | null;
  /**
   * Called after each image (cache hits and failures too) with the library's `ProgressEvent`: stage `'embedding'`,
   * `done`/`total` images, `detail`: `BatchProgressDetail` (failed, cached, source, decoder …). Its return value is
   * ignored. Defaults to none.
   */
  onProgress?: ProgressListener<BatchProgressDetail>;
  /** The image decoder (`'auto'`: sharp in Node, with a one-time warning when it falls back to jimp). Defaults to `'auto'`. */
  decoder?: DecoderChoice;
  /**
   * Turns file bytes into an image instead of `decoder`; the result's `decoder` is then `'custom'` (and so is the
   * cache key: use one `cacheDir` per custom decoder). Defaults to none.
   */
  decode?: (bytes: Uint8Array) => Promise<RgbImage>;
  /** Stops the run: no new forward pass starts, the promise rejects with the signal's reason. Cached work stays. Defaults to none. */
  signal?: AbortSignal;
}

/** The embedding of one image. */
export interface EmbeddedImage {
  /** Position of the image in the sources. */
  index: number;
  /** Name of the image (path, URL, or `<N bytes>`). */
  source: string;
  /** [D] float32. */
  embedding: Float32Array;
  /** Whether the embedding came from the cache. */
  cached: boolean;
  /** SHA-256 of the image bytes (hex). */
  hash: string;
}

/** Result of {@link embedImages} and `embedImagesPool`: every image is in exactly one of `results` and `failures`. */
export interface EmbedImagesResult {
  /** The embedded images, in input order. */
  results: EmbeddedImage[];
  /** The images that could not be read, decoded or embedded, in input order (`{ index, source, message }`). */
  failures: BatchFailure[];
  /** D. */
  embeddingSize: number;
  /** The backbone's content id ({@link backboneFingerprint}), part of the cache key. */
  backboneId: string;
  /** The image decoder used: `'sharp'`, `'jimp'`, `'canvas'`, `'custom'` (a `decode` function) or `'module:<url>'`. */
  decoder: string;
  /** Cache entries found invalid and recomputed. */
  invalidCacheEntries: number;
  /**
   * Present when `cacheDir` was given but the cache could not be created or written (a read-only folder, a full
   * disk, a file in the way): the first error, naming the path. The run then finished without caching; its results
   * are complete. Also printed once with `console.warn`.
   */
  cacheWarning?: string;
}

/**
 * Opens the embedding cache, or says why it cannot be (the run then goes on uncached, as `extractFeaturesBatch` does).
 * @internal
 */
export async function openEmbeddingCacheOrWarn(
  cacheDir: string | null | undefined,
  backboneId: string,
  embeddingSize: number,
  decoder: string,
  fn: string,
): Promise<{ cache: ContentCache<Float32Array> | undefined; openWarning: string | undefined }> {
  if (cacheDir === undefined || cacheDir === null) return { cache: undefined, openWarning: undefined };
  try {
    return { cache: await openEmbeddingCache(cacheDir, backboneId, embeddingSize, decoder, fn), openWarning: undefined };
  } catch (error) {
    if (error instanceof ArgumentError) throw error;
    const openWarning = cacheWriteWarning(fn, error);
    console.warn(openWarning);
    return { cache: undefined, openWarning };
  }
}

/**
 * Opens the embedding cache of a backbone and decoder (shared by `embedImages` and `embedImagesPool`).
 * @internal
 */
export async function openEmbeddingCache(
  cacheDir: string,
  backboneId: string,
  embeddingSize: number,
  decoder: string,
  fn: string,
): Promise<ContentCache<Float32Array>> {
  return openContentCache<Float32Array>(
    cacheDir,
    {
      kind: 'embedding',
      version: EMBEDDING_CACHE_VERSION,
      settings: { backboneId, decoder },
      // The D float32 values' little-endian bytes in base64: exact, and a third of the size of JSON numbers.
      encode: (v) => ({ float32: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') }),
      decode: (j) => {
        const text = (j as { float32?: unknown } | null)?.float32;
        if (typeof text !== 'string') return undefined;
        const bytes = Buffer.from(text, 'base64');
        if (bytes.byteLength !== 4 * embeddingSize) return undefined;
        const v = new Float32Array(embeddingSize);
        new Uint8Array(v.buffer).set(bytes);
        return v.every(Number.isFinite) ? v : undefined;
      },
    },
    fn,
  );
}

/**
 * The checks `embedImages` and `embedImagesPool` share.
 * @internal
 */
export function checkEmbedOptions(fn: string, images: unknown, options: EmbedImagesOptions & { decoderModule?: unknown }): number {
  checkImageSources(fn, 'images', images);
  checkOptions(fn, options);
  const batchSize = options.batchSize === undefined ? 32 : checkInteger(fn, 'options.batchSize', options.batchSize, { min: 1 });
  if (options.cacheDir !== undefined && options.cacheDir !== null) checkString(fn, 'options.cacheDir', options.cacheDir);
  if (options.onProgress !== undefined) checkFunction(fn, 'options.onProgress', options.onProgress);
  if (options.decode !== undefined) checkFunction(fn, 'options.decode', options.decode);
  if (options.decode !== undefined && options.decoder !== undefined) {
    throw new ArgumentError(fn, 'options.decode', 'absent when options.decoder is given (pass one of them)', options.decode);
  }
  return batchSize;
}

/** Builds the list of results of a batch of embeddings. @internal */
export function embeddingResults(values: Awaited<ReturnType<typeof runCachedBatch<Float32Array>>>['values'], names: string[]): EmbeddedImage[] {
  const out: EmbeddedImage[] = [];
  values.forEach((v, index) => {
    if (v !== undefined) out.push({ index, source: names[index] as string, embedding: v.value, cached: v.cached, hash: v.hash });
  });
  return out;
}

/**
 * Embed a cohort of images with a frozen backbone: read, hash, look up the cache, decode, resize to the
 * backbone's `inputSize` (bilinear) when needed, normalise with the backbone's `mean`/`std` (also for
 * `inputRange: 'normalized'` backbones), embed in batches, write the cache. One bad image never aborts
 * the run: it lands in `failures` with a message naming it.
 *
 * @param backbone - the backbone (its weights are not changed): a built-in `Backbone` or any {@link ImageEmbedder},
 *   e.g. a saved tfjs model wrapped by `loadModelBackbone` / `FrozenModelBackbone`
 * @param images - the image sources (paths, URLs, bytes, blobs)
 * @param options - see {@link EmbedImagesOptions}
 * @returns `{ results, failures, embeddingSize, backboneId, decoder, invalidCacheEntries }`; no tensor is left allocated
 * @throws ArgumentError naming `embedImages` and the argument for a backbone that is not an ImageEmbedder, images
 *   that are not image sources (e.g. cohort `Patient`s: the message names the index) or a bad option; errors of
 *   the cache folder are not thrown (see `cacheWarning`); the signal's reason when aborted
 * @example
 * const backbone = await loadBackbone('resnet18', 'resnet18.safetensors');
 * const { results, failures } = await embedImages(backbone, paths, {
 *   cacheDir: '.cache',
 *   onProgress: ({ done, total }) => console.log(`${done}/${total}`),
 * });
 * const cnn = await loadModelBackbone('models/my-cnn', 'layers'); // any tfjs model, frozen
 * const again = await embedImages(cnn, paths, { cacheDir: '.cache' });
 */
export async function embedImages(
  backbone: ImageEmbedder,
  images: readonly ImageSource[],
  options: EmbedImagesOptions = {},
): Promise<EmbedImagesResult> {
  return embedImagesAs('embedImages', undefined, backbone, images, options);
}

/**
 * {@link embedImages} called by another public function `fn`, with the name of a custom `decode` (e.g.
 * `module:<url>` for `embedImagesPool`'s `decoderModule`, so that both share cache entries).
 * @internal
 */
export async function embedImagesAs(
  fn: string,
  decodeName: string | undefined,
  backbone: ImageEmbedder,
  images: readonly ImageSource[],
  options: EmbedImagesOptions,
): Promise<EmbedImagesResult> {
  checkThat(
    backbone !== null &&
      typeof backbone === 'object' &&
      (typeof backbone.embed === 'function' || typeof backbone.embedPixels === 'function') &&
      Number.isSafeInteger(backbone.embeddingSize),
    fn,
    'backbone',
    'an ImageEmbedder (a Backbone or a loaded model backbone)',
    backbone,
  );
  const batchSize = checkEmbedOptions(fn, images, options);
  options.signal?.throwIfAborted();
  let decode: (bytes: Uint8Array, name: string) => Promise<RgbImage>;
  let decoderName: string;
  if (options.decode !== undefined) {
    const custom = options.decode;
    decode = (bytes) => custom(bytes);
    decoderName = decodeName ?? 'custom';
  } else {
    const decoder = await resolveDecoder(options.decoder ?? 'auto');
    decode = (bytes, name) => decodeImageBytes(bytes, { decoder, name });
    decoderName = decoder.name;
  }
  const d = backbone.embeddingSize;
  const backboneId = await backboneFingerprint(backbone);
  const { cache, openWarning } = await openEmbeddingCacheOrWarn(options.cacheDir, backboneId, d, decoderName, fn);

  // The steps of the pool's threads (embeddingWorker's embedItems), here in this thread.
  const compute = async (items: BatchItem[]): Promise<BatchOutcome<Float32Array>[]> => {
    const results = await embedItems(
      items.map(({ bytes, name }) => ({ kind: 'bytes' as const, bytes, name })),
      backbone,
      decode,
      fn,
    );
    return results.map((r) => ('embedding' in r ? { ok: true, value: r.embedding } : { ok: false, message: r.error }));
  };
  const names = images.map((s) => describeImageSource(s));
  const { values, failures, invalidCacheEntries, cacheWarning } = await runCachedBatch<Float32Array>(images, {
    stage: 'embedding',
    fn,
    cache,
    chunk: batchSize,
    lanes: 1,
    decoder: decoderName,
    compute,
    onProgress: options.onProgress,
    signal: options.signal,
  });
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
}
