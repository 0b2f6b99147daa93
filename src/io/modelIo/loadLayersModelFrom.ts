import * as tf from '@tensorflow/tfjs';
import { ModelIoError } from './modelIoError.js';
import { resolveModelHandler } from './resolveModelHandler.js';
import type { LoadModelFromOptions } from './resolveModelHandler.js';

/**
 * tfjs's bare `Shape mismatch: [3,4] vs. [4,3]` as a {@link ModelIoError} naming the file and the weight: the
 * topology is rebuilt without weights (only on this error path) and its weights compared with the manifest.
 */
async function nameShapeMismatch(error: unknown, where: string, artifacts: tf.io.ModelArtifacts | undefined): Promise<unknown> {
  const message = error instanceof Error ? error.message : String(error);
  if (!/Shape mismatch/i.test(message)) return error;
  let detail = `a weight's shape in the manifest does not match the model's topology (${message})`;
  if (artifacts?.modelTopology !== undefined && artifacts.weightSpecs !== undefined) {
    let model: tf.LayersModel | undefined;
    try {
      model = await tf.models.modelFromJSON({ modelTopology: artifacts.modelTopology } as tf.io.ModelJSON as never);
      const needed = new Map(model.weights.map((w) => [w.originalName, w.shape]));
      const bad = artifacts.weightSpecs.find((s) => needed.has(s.name) && !tf.util.arraysEqual(s.shape, needed.get(s.name) as number[]));
      if (bad !== undefined) {
        detail = `weight ${bad.name} is [${bad.shape.join(', ')}] in the weights manifest, the model's topology needs [${(needed.get(bad.name) as number[]).join(', ')}]`;
      }
    } catch {
      // keep the general detail
    } finally {
      model?.dispose();
    }
  }
  return new ModelIoError(where, detail, { cause: error });
}

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
 *   the JSON is corrupted, the shards do not match the weight manifest, or a weight's shape in the manifest does not
 *   match the topology (naming the weight); tfjs errors for an invalid topology
 * @example
 * const model = await loadLayersModelFrom('models/mil-head'); // reads models/mil-head/model.json
 * const remote = await loadLayersModelFrom('https://example.org/models/mil-head/model.json');
 */
export async function loadLayersModelFrom(
  pathOrUrl: string | URL,
  options: LoadModelFromOptions = {},
): Promise<tf.LayersModel> {
  const handler = resolveModelHandler(pathOrUrl, options);
  const config = options.strict === undefined ? undefined : { strict: options.strict };
  const where = pathOrUrl instanceof URL ? pathOrUrl.href : pathOrUrl;
  if (typeof handler === 'string' || handler.load === undefined) {
    try {
      return await tf.loadLayersModel(handler, config);
    } catch (error) {
      throw await nameShapeMismatch(error, where, undefined);
    }
  }
  const artifacts = await handler.load();
  try {
    return await tf.loadLayersModel({ load: async () => artifacts }, config);
  } catch (error) {
    throw await nameShapeMismatch(error, where, artifacts);
  }
}
