import * as tf from '@tensorflow/tfjs';
import { ensureBackend } from '../../backend/ensureBackend.js';
import { checkOneOf } from '../../core/index.js';
import { resolveModelHandler } from '../../io/modelIo/resolveModelHandler.js';
import type { LoadModelFromOptions } from '../../io/modelIo/resolveModelHandler.js';
import { checkFrozenModelBackboneOptions, FrozenModelBackbone } from './frozenModelBackbone.js';
import type { FrozenModelBackboneOptions } from './frozenModelBackbone.js';

/** The two kinds of saved tfjs models: `tf.LayersModel` (`'layers'`) and `tf.GraphModel` (`'graph'`, tfjs converter). */
export type SavedModelKind = 'layers' | 'graph';

/** Every {@link SavedModelKind}. */
export const SAVED_MODEL_KINDS: readonly SavedModelKind[] = Object.freeze(['layers', 'graph']);

/**
 * The kind of saved model the artifacts hold: from model.json's `format` (`'layers-model'` / `'graph-model'`)
 * when present, else from the topology (layers: `class_name` and `config`; graph: `node`); null when unknown.
 */
function savedKind(artifacts: tf.io.ModelArtifacts): SavedModelKind | null {
  if (artifacts.format === 'layers-model') return 'layers';
  if (artifacts.format === 'graph-model') return 'graph';
  const t = artifacts.modelTopology as Record<string, unknown> | null | undefined;
  if (t === null || typeof t !== 'object' || t instanceof ArrayBuffer) return null;
  if ('node' in t) return 'graph';
  // Keras JSON: { class_name, config } or, as saved by tfjs, { model_config: { class_name, config } }.
  const keras = (t.model_config ?? t) as Record<string, unknown> | null;
  return keras !== null && typeof keras === 'object' && 'class_name' in keras && 'config' in keras ? 'layers' : null;
}

/** Options of {@link loadModelBackbone}: how to load the model and how to use it as a backbone. */
export interface LoadModelBackboneOptions extends FrozenModelBackboneOptions, LoadModelFromOptions {}

/**
 * Load a saved tfjs layers or graph model and wrap it as a frozen backbone ({@link FrozenModelBackbone}):
 * the handlers of `loadLayersModelFrom` / `loadGraphModelFrom` (a folder or `model.json` path in Node, a
 * `file:` or http(s) URL of the `model.json`, `indexeddb://` in browsers), then the checks of the wrapper.
 * The wrapper's options are checked before anything is read, and the kind of the saved model (model.json's
 * `format`, else its topology) must be `kind`.
 *
 * @param location - where the model is: a folder, a `model.json` path, or a URL
 * @param kind - `'layers'` (saved with `model.save` / `saveModelTo`, Keras converted as layers) or `'graph'`
 *   (tfjs converter graph model)
 * @param options - see {@link LoadModelBackboneOptions}: input size, range, mean/std, graph output node, fetch
 *   options
 * @returns the backbone; the caller disposes it (which disposes the model)
 * @throws TypeError naming `loadModelBackbone` for an unknown `kind` or bad wrapper options, or naming it, the
 *   location and both kinds when the saved model is of the other kind; `ModelIoError` naming the file or URL
 *   when the model cannot be read; the wrapper's TypeErrors (model is not [N, H, W, 3] → [N, D] or [N, h, w, C])
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
  checkOneOf('loadModelBackbone', 'kind', kind, SAVED_MODEL_KINDS);
  const { inputSize, inputRange, mean, std, outputNode, ...load } = options;
  checkFrozenModelBackboneOptions({ inputSize, inputRange, mean, std, outputNode }, kind, 'loadModelBackbone: options.');
  await ensureBackend();
  const resolved = resolveModelHandler(location, load);
  let handler: tf.io.IOHandler | string = resolved;
  if (typeof resolved !== 'string') {
    // Read model.json (and the shards) once, check the kind, then build the model from these artifacts.
    const artifacts = await resolved.load!();
    const found = savedKind(artifacts);
    if (found !== null && found !== kind) {
      const where = location instanceof URL ? location.href : location;
      throw new TypeError(
        `loadModelBackbone: ${where} holds a tfjs ${found} model (${artifacts.format === undefined ? 'by its topology' : `format ${JSON.stringify(artifacts.format)}`}), ` +
          `not a ${kind} model: pass kind '${found}'`,
      );
    }
    handler = { load: () => Promise.resolve(artifacts) };
  }
  const model: tf.LayersModel | tf.GraphModel =
    kind === 'layers'
      ? await tf.loadLayersModel(handler, load.strict === undefined ? undefined : { strict: load.strict })
      : await tf.loadGraphModel(handler);
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
