import { decodeImageBytes } from '../../io/image/decodeImageBytes.js';
import type { ImageSource } from '../../io/bytes/imageSource.js';
import { describeImageSource } from '../../io/bytes/imageSource.js';
import { atomicWriteFile } from '../../io/bytes/atomicWriteFile.js';
import { readImageBytes } from '../../io/bytes/readImageBytes.js';
import type { RgbImage } from '../../io/image/rgbImage.js';
import { toContiguousRgb } from '../../io/image/rgbImage.js';
import type { ImageEmbedder } from './imageEmbedder.js';
import { backboneFingerprint } from './backboneFingerprint.js';
import { embedPixelBatch } from './embedPixelBatch.js';

/** Progress of {@link embedImages}, reported after each batch. */
export interface EmbedProgress {
  /** Images handled so far (embedded, read from the cache or failed). */
  done: number;
  /** Images in all. */
  total: number;
  /** Of `done`, read from the cache. */
  cached: number;
  /** Of `done`, failed (unreadable or undecodable). */
  failed: number;
}

/** Options of {@link embedImages}. */
export interface EmbedImagesOptions {
  /** Images per forward pass. Defaults to 32. */
  batchSize?: number;
  /**
   * Folder of the on-disk cache (Node): one file `<cacheDir>/<backbone id>/<image SHA-256>.f32` per image
   * (D little-endian float32), written atomically, so an interrupted run resumes where it stopped. Null: no
   * cache. Defaults to null.
   */
  cacheDir?: string | null;
  /** Called after each batch. Defaults to none. */
  onProgress?: (progress: EmbedProgress) => void;
  /** Turns file bytes into an image. Defaults to `decodeImageBytes` (jimp / sharp). */
  decode?: (bytes: Uint8Array) => Promise<RgbImage>;
}

/** The embedding of one image, or why there is none. */
export interface EmbeddedImage {
  /** [D] float32, or null when the image failed. */
  embedding: Float32Array | null;
  /** Why the image failed (reading or decoding), or null. */
  error: string | null;
  /** Whether the embedding came from the cache. */
  cached: boolean;
  /** SHA-256 of the image bytes (hex), or null when they could not be read. */
  hash: string | null;
}

/** Result of {@link embedImages}. */
export interface EmbedImagesResult {
  /** One entry per input image, in input order. */
  images: EmbeddedImage[];
  /** D. */
  embeddingSize: number;
  /** The backbone's content id ({@link backboneFingerprint}), the cache key with the image hashes. */
  backboneId: string;
}

function hex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Embed a cohort of images with a frozen backbone: read, hash, look up the cache, decode, resize to the
 * backbone's `inputSize` (bilinear) when needed, normalise with the backbone's `mean`/`std` (also for
 * `inputRange: 'normalized'` backbones), embed in batches, write the cache. One bad image never aborts
 * the run: it gets `embedding: null` and its `error`.
 *
 * @param backbone - the backbone (its weights are not changed): a built-in `Backbone` or any {@link ImageEmbedder},
 *   e.g. a saved tfjs model wrapped by `loadModelBackbone` / `FrozenModelBackbone`
 * @param images - the image sources (paths, URLs, bytes, blobs)
 * @param options - see {@link EmbedImagesOptions}
 * @returns one {@link EmbeddedImage} per image, in order; no tensor is left allocated
 * @throws Error naming `embedImages` for a bad `batchSize`; errors of the cache folder (e.g. not writable)
 * @example
 * const backbone = await loadBackbone('resnet18', 'resnet18.safetensors');
 * const { images } = await embedImages(backbone, paths, {
 *   cacheDir: '.cache/embeddings',
 *   onProgress: ({ done, total }) => console.log(`${done}/${total}`),
 * });
 * const cnn = await loadModelBackbone('models/my-cnn', 'layers'); // any tfjs model, frozen
 * const again = await embedImages(cnn, paths, { cacheDir: '.cache/embeddings' });
 */
export async function embedImages(
  backbone: ImageEmbedder,
  images: readonly ImageSource[],
  options: EmbedImagesOptions = {},
): Promise<EmbedImagesResult> {
  const batchSize = options.batchSize ?? 32;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new Error(`embedImages: batchSize must be a positive integer, got ${batchSize}`);
  }
  const decode = options.decode ?? ((bytes: Uint8Array) => decodeImageBytes(bytes));
  const d = backbone.embeddingSize;
  const backboneId = await backboneFingerprint(backbone);
  const cacheDir = options.cacheDir ?? null;
  let folder: string | null = null;
  const fs = cacheDir === null ? null : await import('node:fs/promises');
  if (fs !== null && cacheDir !== null) {
    const { join } = await import('node:path');
    folder = join(cacheDir, backboneId);
    await fs.mkdir(folder, { recursive: true });
  }
  const out: EmbeddedImage[] = [];
  const progress: EmbedProgress = { done: 0, total: images.length, cached: 0, failed: 0 };

  for (let start = 0; start < images.length; start += batchSize) {
    const batch = images.slice(start, start + batchSize);
    const entries: EmbeddedImage[] = [];
    const toEmbed: { entry: EmbeddedImage; image: RgbImage }[] = [];
    for (const source of batch) {
      const entry: EmbeddedImage = { embedding: null, error: null, cached: false, hash: null };
      entries.push(entry);
      let bytes: Uint8Array;
      try {
        bytes = await readImageBytes(source);
        entry.hash = hex(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
      } catch (e) {
        entry.error = `cannot read ${describeImageSource(source)}: ${message(e)}`;
        continue;
      }
      const file = folder === null ? null : `${folder}/${entry.hash}.f32`;
      if (fs !== null && file !== null) {
        const hit = await fs.readFile(file).catch(() => null);
        if (hit !== null && hit.byteLength === 4 * d) {
          entry.embedding = new Float32Array(hit.buffer.slice(hit.byteOffset, hit.byteOffset + hit.byteLength));
          entry.cached = true;
          continue;
        }
      }
      try {
        toEmbed.push({ entry, image: toContiguousRgb(await decode(bytes), 'embedImages') });
      } catch (e) {
        entry.error = `cannot decode ${describeImageSource(source)}: ${message(e)}`;
      }
    }
    if (toEmbed.length > 0) {
      const embeddings = await embedPixelBatch(backbone, toEmbed.map((t) => t.image));
      for (let i = 0; i < toEmbed.length; i++) {
        const { entry } = toEmbed[i]!;
        entry.embedding = embeddings[i]!;
        if (folder !== null) {
          const e = entry.embedding;
          await atomicWriteFile(`${folder}/${entry.hash}.f32`, new Uint8Array(e.buffer, e.byteOffset, e.byteLength));
        }
      }
    }
    for (const e of entries) {
      out.push(e);
      progress.done++;
      if (e.cached) progress.cached++;
      if (e.error !== null) progress.failed++;
    }
    options.onProgress?.({ ...progress });
  }
  return { images: out, embeddingSize: d, backboneId };
}
