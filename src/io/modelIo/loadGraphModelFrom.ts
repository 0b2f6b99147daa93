import * as tf from '@tensorflow/tfjs';
import { resolveModelHandler } from './resolveModelHandler.js';
import type { LoadModelFromOptions } from './resolveModelHandler.js';

/**
 * Load a tfjs `GraphModel` (e.g. from the tfjs converter) from a folder or `model.json` path (Node, via
 * {@link fileSystemIO}), a `file:` URL, an http(s) URL of its `model.json` or a tfjs storage URL
 * (`indexeddb://name`, `localstorage://name`, browsers).
 *
 * The caller owns the model and disposes it (`model.dispose()`).
 *
 * @param pathOrUrl - where the model is
 * @param options - see {@link LoadModelFromOptions} (`strict` does not apply)
 * @returns the model
 * @throws {@link ModelIoError} naming the file or URL when `model.json` or a shard is missing or unreachable,
 *   the JSON is corrupted or the shards do not match the weight manifest
 * @example
 * const backbone = await loadGraphModelFrom('models/convnext-tiny');
 * const features = backbone.predict(batch) as tf.Tensor; // caller disposes
 */
export async function loadGraphModelFrom(
  pathOrUrl: string | URL,
  options: LoadModelFromOptions = {},
): Promise<tf.GraphModel> {
  return tf.loadGraphModel(resolveModelHandler(pathOrUrl, options));
}
