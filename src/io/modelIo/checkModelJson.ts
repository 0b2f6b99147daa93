import type * as tf from '@tensorflow/tfjs';
import { ModelIoError } from './modelIoError.js';

/**
 * Check that `model.json` holds an object with a `modelTopology` and a well-formed `weightsManifest`.
 *
 * @param file - name for errors
 * @param json - the parsed JSON
 * @returns the same object, typed
 * @throws {@link ModelIoError} naming the file and the field
 */
export function checkModelJson(file: string, json: unknown): tf.io.ModelJSON {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ModelIoError(file, 'corrupted model.json: expected a JSON object');
  }
  const obj = json as Record<string, unknown>;
  if (typeof obj.modelTopology !== 'object' || obj.modelTopology === null) {
    throw new ModelIoError(file, 'corrupted model.json: no modelTopology object');
  }
  const manifest = obj.weightsManifest;
  if (manifest !== undefined) {
    if (!Array.isArray(manifest)) throw new ModelIoError(file, 'corrupted model.json: weightsManifest is not an array');
    manifest.forEach((group: unknown, i) => {
      const g = group as { paths?: unknown; weights?: unknown } | null;
      if (
        typeof g !== 'object' ||
        g === null ||
        !Array.isArray(g.paths) ||
        !g.paths.every((p) => typeof p === 'string') ||
        !Array.isArray(g.weights)
      ) {
        throw new ModelIoError(file, `corrupted model.json: weightsManifest[${i}] needs paths (strings) and weights (array)`);
      }
      g.weights.forEach((w: unknown, j) => {
        const e = w as { name?: unknown; shape?: unknown; dtype?: unknown } | null;
        if (typeof e !== 'object' || e === null || typeof e.name !== 'string' || !Array.isArray(e.shape) || typeof e.dtype !== 'string') {
          throw new ModelIoError(file, `corrupted model.json: weightsManifest[${i}].weights[${j}] needs name, shape and dtype`);
        }
      });
    });
  }
  return json as tf.io.ModelJSON;
}
