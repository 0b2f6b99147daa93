import * as tf from '@tensorflow/tfjs';
import { resolveModelHandler } from './resolveModelHandler.js';
import type { LoadModelFromOptions } from './resolveModelHandler.js';

/**
 * Load a tfjs `LayersModel` from a folder or `model.json` path (Node, via {@link fileSystemIO}), a `file:`
 * URL, an http(s) URL of its `model.json` (tfjs http handler, global `fetch`) or a tfjs storage URL
 * (`indexeddb://name`, `localstorage://name`, browsers).
 *
 * Custom layers must be registered (`tf.serialization.registerClass`) before loading. The caller owns the
 * model and disposes it (`model.dispose()`).
 *
 * @param pathOrUrl - where the model is
 * @param options - see {@link LoadModelFromOptions}
 * @returns the model
 * @throws {@link ModelIoError} naming the file or URL when `model.json` or a shard is missing or unreachable,
 *   the JSON is corrupted or the shards do not match the weight manifest; tfjs errors for an invalid topology
 * @example
 * const model = await loadLayersModelFrom('models/mil-head'); // reads models/mil-head/model.json
 * const remote = await loadLayersModelFrom('https://example.org/models/mil-head/model.json');
 */
export async function loadLayersModelFrom(
  pathOrUrl: string | URL,
  options: LoadModelFromOptions = {},
): Promise<tf.LayersModel> {
  const handler = resolveModelHandler(pathOrUrl, options);
  return tf.loadLayersModel(handler, options.strict === undefined ? undefined : { strict: options.strict });
}
