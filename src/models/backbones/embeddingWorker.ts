/**
 * Worker-thread entry of {@link embedImagesPool} (Node `worker_threads`).
 *
 * `workerData`: {@link EmbeddingWorkerData}. The thread initialises tfjs's wasm backend (one thread: the pool
 * runs one thread per core), builds the backbone from the spec, and answers with an
 * {@link EmbeddingWorkerReady} (its content id, so the pool can check every thread computes the same function)
 * or {@link EmbeddingWorkerFailed}. Each message in is an {@link EmbeddingWorkerTask} (one forward pass: encoded
 * bytes decoded here, or pixels decoded by the caller); each message out an {@link EmbeddingWorkerResult} with the
 * same `id`, its embeddings transferred. The exception of one image becomes its `error`; the thread keeps
 * serving. Built to `dist/models/backbones/embeddingWorker.js`; loaded from source through a tsx bootstrap
 * (`features/batch/workerThreadEntry.ts`).
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RgbImage } from '../../io/image/rgbImage.js';
import { createRgbImage, toContiguousRgb } from '../../io/image/rgbImage.js';
import { backboneFingerprint } from './backboneFingerprint.js';
import { buildBackbone } from './backboneSpec.js';
import type { BackboneSpec } from './backboneSpec.js';
import type { ImageEmbedder } from './imageEmbedder.js';
import { embedPixelBatch } from './embedPixelBatch.js';
import { loadDecoderModule } from './loadDecoderModule.js';

/** Data every embedding worker starts with. */
export interface EmbeddingWorkerData {
  /** The backbone to build. */
  spec: BackboneSpec;
  /** `file:`/`data:` URL of a module exporting `decodeImageBytes(bytes)`, or undefined for the library's. */
  decoderModule: string | undefined;
}

/** One image of a task: encoded bytes to decode in the worker, or decoded pixels. */
export type EmbeddingWorkerItem =
  | { kind: 'bytes'; bytes: Uint8Array; name: string }
  | { kind: 'pixels'; data: Uint8Array; height: number; width: number; name: string };

/** One forward pass. */
export interface EmbeddingWorkerTask {
  id: number;
  items: EmbeddingWorkerItem[];
}

/** The backbone is built: what the pool needs to key the cache. */
export interface EmbeddingWorkerReady {
  kind: 'ready';
  backboneId: string;
  embeddingSize: number;
}

/** The backbone could not be built (bad spec, unreadable checkpoint, no wasm). */
export interface EmbeddingWorkerFailed {
  kind: 'failed';
  message: string;
}

/** The answer to an {@link EmbeddingWorkerTask}: per item, its [D] embedding or why it failed. */
export interface EmbeddingWorkerResult {
  kind: 'result';
  id: number;
  results: ({ embedding: Float32Array } | { error: string })[];
}

/** Any message a worker sends. */
export type EmbeddingWorkerReply = EmbeddingWorkerReady | EmbeddingWorkerFailed | EmbeddingWorkerResult;

type Decode = (bytes: Uint8Array) => Promise<RgbImage>;

function text(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function start(data: EmbeddingWorkerData): Promise<{ backbone: ImageEmbedder; decode: Decode }> {
  const { initBackend } = await import('../../backend/initBackend.js');
  await initBackend('wasm', { wasmThreads: 1, cpuFallbackKernels: false });
  const decode = await loadDecoderModule(data.decoderModule);
  const backbone = await buildBackbone(data.spec);
  return { backbone, decode };
}

async function embedTask(task: EmbeddingWorkerTask, backbone: ImageEmbedder, decode: Decode): Promise<EmbeddingWorkerResult> {
  const results: EmbeddingWorkerResult['results'] = [];
  const images: RgbImage[] = [];
  const slots: number[] = [];
  for (const item of task.items) {
    try {
      const image =
        item.kind === 'bytes'
          ? toContiguousRgb(await decode(item.bytes), 'embedImagesPool')
          : createRgbImage(item.width, item.height, item.data);
      slots.push(results.length);
      images.push(image);
      results.push({ error: '' });
    } catch (e) {
      results.push({ error: `cannot decode ${item.name}: ${text(e)}` });
    }
  }
  try {
    const embeddings = await embedPixelBatch(backbone, images);
    embeddings.forEach((embedding, k) => (results[slots[k]!] = { embedding }));
  } catch (e) {
    // The forward pass itself failed (e.g. out of memory): every image of the pass fails with its reason.
    for (const k of slots) results[k] = { error: `cannot embed ${task.items[k]!.name}: ${text(e)}` };
  }
  return { kind: 'result', id: task.id, results };
}

const port = parentPort;
if (port !== null) {
  const data = workerData as EmbeddingWorkerData;
  void (async () => {
    let ready: { backbone: ImageEmbedder; decode: Decode };
    try {
      ready = await start(data);
      const reply: EmbeddingWorkerReady = {
        kind: 'ready',
        backboneId: await backboneFingerprint(ready.backbone),
        embeddingSize: ready.backbone.embeddingSize,
      };
      port.postMessage(reply);
    } catch (e) {
      const reply: EmbeddingWorkerFailed = { kind: 'failed', message: text(e) };
      port.postMessage(reply);
      return;
    }
    // Tasks run one after the other (the pool sends the next one only after this one's answer).
    port.on('message', (task: EmbeddingWorkerTask) => {
      void embedTask(task, ready.backbone, ready.decode).then((reply) => {
        const transfer = reply.results.flatMap((r) => ('embedding' in r ? [r.embedding.buffer as ArrayBuffer] : []));
        port.postMessage(reply, transfer);
      });
    });
  })();
}
