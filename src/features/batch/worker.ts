/**
 * Worker-thread entry of {@link extractFeaturesBatch} (Node `worker_threads`).
 *
 * `workerData`: {@link FeatureWorkerData}. Each message in is a {@link FeatureWorkerTask}
 * (the encoded image bytes, transferred); each message out is a {@link FeatureWorkerReply}
 * with the same `id`. Exceptions of one image become `{ ok: false, message }` replies; the
 * worker keeps serving. Built to `dist/features/batch/worker.js`; loaded from source
 * (`worker.ts`) through a tsx bootstrap, see `workerUrl.ts`.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { DecodeImageOptions } from '../../io/index.js';
import type { CellFeatureOptions } from '../cell/index.js';
import { loadCellExtractor, processImageBytes } from './processImageBytes.js';
import type { ImageOutcome } from './processImageBytes.js';

/** Data every feature worker starts with. */
export interface FeatureWorkerData {
  /** Module replacing the per-image steps (see `CellExtractor`), or undefined for the library's. */
  extractorModule: string | undefined;
  /** Options for `extractCellFeatures`. */
  cell: CellFeatureOptions;
  /** Options for `decodeImageBytes`. */
  decode: DecodeImageOptions;
}

/** One image to process. */
export interface FeatureWorkerTask {
  id: number;
  /** The encoded image. */
  bytes: Uint8Array;
  /** The image's name, for error messages. */
  name: string;
}

/** The answer to a {@link FeatureWorkerTask}. */
export type FeatureWorkerReply = { id: number } & ImageOutcome;

const port = parentPort;
if (port !== null) {
  const data = workerData as FeatureWorkerData;
  const ready = loadCellExtractor(data.extractorModule);
  // A module that fails to load fails every task with its message (the pool reports them per image).
  ready.catch(() => undefined);
  port.on('message', (task: FeatureWorkerTask) => {
    void (async () => {
      let reply: FeatureWorkerReply;
      try {
        const extractor = await ready;
        reply = { id: task.id, ...(await processImageBytes(task.bytes, extractor, data.cell, { ...data.decode, name: task.name })) };
      } catch (error) {
        reply = { id: task.id, ok: false, message: error instanceof Error ? error.message : String(error) };
      }
      port.postMessage(reply);
    })();
  });
}
