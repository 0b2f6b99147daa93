import type * as tf from '@tensorflow/tfjs';
import { loadGraphModelFrom } from '../../io/modelIo/loadGraphModelFrom.js';
import { loadLayersModelFrom } from '../../io/modelIo/loadLayersModelFrom.js';
import type { LoadModelFromOptions } from '../../io/modelIo/resolveModelHandler.js';
import { FrozenModelBackbone } from './frozenModelBackbone.js';
import type { FrozenModelBackboneOptions } from './frozenModelBackbone.js';

/** The two kinds of saved tfjs models: `tf.LayersModel` (`'layers'`) and `tf.GraphModel` (`'graph'`, tfjs converter). */
export type SavedModelKind = 'layers' | 'graph';

/** Every {@link SavedModelKind}. */
export const SAVED_MODEL_KINDS: readonly SavedModelKind[] = Object.freeze(['layers', 'graph']);

/** Options of {@link loadModelBackbone}: how to load the model and how to use it as a backbone. */
export interface LoadModelBackboneOptions extends FrozenModelBackboneOptions, LoadModelFromOptions {}

/**
 * Load a saved tfjs layers or graph model and wrap it as a frozen backbone ({@link FrozenModelBackbone}):
 * `loadLayersModelFrom` / `loadGraphModelFrom` (a folder or `model.json` path in Node, a `file:` or http(s)
 * URL of the `model.json`, `indexeddb://` in browsers), then the checks of the wrapper.
 *
 * @param location - where the model is: a folder, a `model.json` path, or a URL
 * @param kind - `'layers'` (saved with `model.save` / `saveModelTo`, Keras converted as layers) or `'graph'`
 *   (tfjs converter graph model)
 * @param options - see {@link LoadModelBackboneOptions}: input size, range, mean/std, graph output node, fetch
 *   options
 * @returns the backbone; the caller disposes it (which disposes the model)
 * @throws TypeError naming `loadModelBackbone` for an unknown `kind`; `ModelIoError` naming the file or URL when
 *   the model cannot be read; the wrapper's TypeErrors (model is not [N, H, W, 3] → [N, D] or [N, h, w, C])
 * @example
 * const backbone = await loadModelBackbone('models/efficientnet-b0', 'graph', {
 *   outputNode: 'StatefulPartitionedCall/model/avg_pool/Mean', mean: [0, 0, 0], std: [1, 1, 1],
 * });
 * const { images } = await embedImages(backbone, paths, { cacheDir: '.cache/embeddings' });
 */
export async function loadModelBackbone(
  location: string | URL,
  kind: SavedModelKind,
  options: LoadModelBackboneOptions = {},
): Promise<FrozenModelBackbone> {
  if (!SAVED_MODEL_KINDS.includes(kind)) {
    throw new TypeError(`loadModelBackbone: kind must be 'layers' or 'graph', got ${JSON.stringify(kind)}`);
  }
  const { inputSize, inputRange, mean, std, outputNode, ...load } = options;
  const model: tf.LayersModel | tf.GraphModel =
    kind === 'layers' ? await loadLayersModelFrom(location, load) : await loadGraphModelFrom(location, load);
  try {
    return new FrozenModelBackbone(model, {
      ...(inputSize === undefined ? {} : { inputSize }),
      ...(inputRange === undefined ? {} : { inputRange }),
      ...(mean === undefined ? {} : { mean }),
      ...(std === undefined ? {} : { std }),
      ...(outputNode === undefined ? {} : { outputNode }),
    });
  } catch (e) {
    model.dispose();
    throw e;
  }
}
