/**
 * Worker-thread module of {@link embedImagesPool}'s pool (run by `io/workers`' piscina pool): its default export
 * handles one task. Each task carries the pool's setup (the backbone spec, the decoder); a thread initialises tfjs's
 * wasm backend once (one wasm thread: the pool runs one thread per core), builds the backbone for a setup once, and
 * keeps it for the tasks that follow. A `'start'` task only builds it and answers the backbone's content id (the
 * cache key) and D; an `'embed'` task runs one forward pass: encoded bytes decoded here, or pixels decoded by the
 * caller. The exception of one image becomes its `error`; a backbone that cannot be built rejects the task. Built to
 * `dist/models/backbones/embeddingWorker.js`; loaded from source through a tsx bootstrap (`io/workers`).
 * @module
 */
import type { RgbImage } from '../../io/image/rgbImage.js';
import { createRgbImage, toContiguousRgb } from '../../io/image/rgbImage.js';
import { stableStringify } from '../../io/cache/contentCache.js';
import { backboneFingerprint } from './backboneFingerprint.js';
import { buildBackbone } from './backboneSpec.js';
import type { BackboneSpec } from './backboneSpec.js';
import type { ImageEmbedder } from './imageEmbedder.js';
import { embedPixelBatch } from './embedPixelBatch.js';
import { loadDecoderModule } from './loadDecoderModule.js';

/** What every task of a pool shares. */
export interface EmbeddingWorkerSetup {
  /** The backbone to build. */
  spec: BackboneSpec;
  /** `file:`/`data:` URL of a module exporting `decodeImageBytes(bytes)`, or undefined for the library's. */
  decoderModule: string | undefined;
  /** The library decoder by name (what `'auto'` resolved to in the calling thread), used without `decoderModule`. */
  decoder: 'sharp' | 'jimp' | 'canvas';
}

/** One image of a task: encoded bytes to decode in the worker, or decoded pixels. */
export type EmbeddingWorkerItem =
  | { kind: 'bytes'; bytes: Uint8Array; name: string }
  | { kind: 'pixels'; data: Uint8Array; height: number; width: number; name: string };

/** A task: build the backbone (`'start'`), or one forward pass (`'embed'`). */
export type EmbeddingWorkerTask =
  | { kind: 'start'; setup: EmbeddingWorkerSetup }
  | { kind: 'embed'; setup: EmbeddingWorkerSetup; items: EmbeddingWorkerItem[] };

/** The answer to a task: the backbone's id and D, and for `'embed'` per item its [D] embedding or why it failed. */
export interface EmbeddingWorkerReply {
  backboneId: string;
  embeddingSize: number;
  results: ({ embedding: Float32Array } | { error: string })[];
}

type Decode = (bytes: Uint8Array, name: string) => Promise<RgbImage>;
interface Built {
  backbone: ImageEmbedder;
  decode: Decode;
  backboneId: string;
}

function text(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An image that could not be decoded: the decoder's message when it names the image, else one that does. */
export function decodeFailure(name: string, error: unknown): string {
  const m = text(error);
  return m.includes(name) ? m : `cannot decode ${name}: ${m}`;
}

let backend: Promise<unknown> | undefined;
let current: { key: string; built: Promise<Built> } | undefined;

async function build(setup: EmbeddingWorkerSetup): Promise<Built> {
  backend ??= import('../../backend/initBackend.js').then(({ initBackend }) =>
    initBackend('wasm', { wasmThreads: 1, cpuFallbackKernels: false }),
  );
  await backend;
  let decode: Decode;
  if (setup.decoderModule !== undefined) decode = await loadDecoderModule(setup.decoderModule);
  else {
    const { decodeImageBytes } = await import('../../io/image/decodeImageBytes.js');
    decode = (bytes, name) => decodeImageBytes(bytes, { decoder: setup.decoder, name });
  }
  // Never an ONNX spec: embedImagesPool runs onnxruntime in the calling thread.
  const backbone = await buildBackbone(setup.spec);
  return { backbone, decode, backboneId: await backboneFingerprint(backbone) };
}

function ensure(setup: EmbeddingWorkerSetup): Promise<Built> {
  const key = stableStringify(setup);
  if (current?.key !== key) {
    const previous = current?.built;
    void previous?.then((b) => b.backbone.dispose(), () => undefined);
    current = { key, built: build(setup) };
    // A failed build is retried by the next task rather than cached.
    const attempt = current;
    attempt.built.catch(() => {
      if (current === attempt) current = undefined;
    });
  }
  return current.built;
}

/**
 * One forward pass over items (bytes decoded with `decode`, or pixels): per item its [D] embedding or why it failed
 * (`cannot decode …`, or `cannot embed …` for every image when the pass itself fails, e.g. out of memory). The same
 * steps in a worker thread and in the calling thread (`embedImages`).
 * @internal
 */
export async function embedItems(
  items: readonly EmbeddingWorkerItem[],
  backbone: ImageEmbedder,
  decode: (bytes: Uint8Array, name: string) => Promise<RgbImage>,
  fn: string,
): Promise<EmbeddingWorkerReply['results']> {
  const results: EmbeddingWorkerReply['results'] = [];
  const images: RgbImage[] = [];
  const slots: number[] = [];
  for (const item of items) {
    try {
      const image =
        item.kind === 'bytes'
          ? toContiguousRgb(await decode(item.bytes, item.name), fn)
          : createRgbImage(item.width, item.height, item.data);
      slots.push(results.length);
      images.push(image);
      results.push({ error: '' });
    } catch (e) {
      results.push({ error: decodeFailure(item.name, e) });
    }
  }
  try {
    const embeddings = await embedPixelBatch(backbone, images);
    embeddings.forEach((embedding, k) => (results[slots[k]!] = { embedding }));
  } catch (e) {
    // The forward pass itself failed (e.g. out of memory): every image of the pass fails with its reason.
    for (const k of slots) results[k] = { error: `cannot embed ${items[k]!.name}: ${text(e)}` };
  }
  return results;
}

/**
 * Handles one task in a worker thread.
 *
 * @param task - see {@link EmbeddingWorkerTask}
 * @returns see {@link EmbeddingWorkerReply}
 * @throws the error of building the backbone (bad spec, unreadable checkpoint, no wasm)
 */
export default async function embeddingWorker(task: EmbeddingWorkerTask): Promise<EmbeddingWorkerReply> {
  const built = await ensure(task.setup);
  const head = { backboneId: built.backboneId, embeddingSize: built.backbone.embeddingSize };
  if (task.kind === 'start') return { ...head, results: [] };
  return { ...head, results: await embedItems(task.items, built.backbone, built.decode, 'embedImagesPool') };
}
