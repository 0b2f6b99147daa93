/**
 * Worker-thread module of {@link extractFeaturesBatch}'s pool (run by `io/workers`' piscina pool): its default export
 * processes one image. Each task carries the batch's setup (extractor module, options), so a thread loads the
 * per-image steps once per setup. An image's exception becomes an `{ ok: false, message }` outcome; a setup that
 * cannot load (a bad extractor module) rejects, which the batch reports as a start-up error. Built to
 * `dist/features/batch/featureWorker.js`; loaded from source (`featureWorker.ts`) through a tsx bootstrap.
 * @module
 */
import type { DecodeImageOptions } from '../../io/index.js';
import type { CellFeatureOptions } from '../cell/index.js';
import { loadCellExtractor, processImageBytes } from './processImageBytes.js';
import type { CellExtractor, ImageOutcome } from './processImageBytes.js';

/** What every task of a batch shares. */
export interface FeatureWorkerSetup {
  /** Module replacing the per-image steps (see `CellExtractor`), or undefined for the library's. */
  extractorModule: string | undefined;
  /** Options for `extractCellFeatures`. */
  cell: CellFeatureOptions;
  /** Options for `decodeImageBytes` (the decoder by name). */
  decode: DecodeImageOptions;
}

/** One image to process, or (without `bytes`) a start-up probe that only loads the setup's steps. */
export interface FeatureWorkerTask {
  setup: FeatureWorkerSetup;
  /** The encoded image. */
  bytes?: Uint8Array;
  /** The image's name, for error messages. */
  name?: string;
}

let loaded: { module: string | undefined; extractor: Promise<CellExtractor> } | undefined;

/**
 * Processes one task in a worker thread.
 *
 * @param task - see {@link FeatureWorkerTask}
 * @returns the image's outcome (`{ ok: true }` and no features for a probe)
 * @throws the error of loading the extractor module
 */
export default async function featureWorker(task: FeatureWorkerTask): Promise<ImageOutcome | { ok: true; ready: true }> {
  if (loaded === undefined || loaded.module !== task.setup.extractorModule) {
    loaded = { module: task.setup.extractorModule, extractor: loadCellExtractor(task.setup.extractorModule) };
  }
  const extractor = await loaded.extractor;
  if (task.bytes === undefined) return { ok: true, ready: true };
  const name = task.name ?? `<${task.bytes.byteLength} bytes>`;
  return processImageBytes(task.bytes, extractor, task.setup.cell, { ...task.setup.decode, name });
}
