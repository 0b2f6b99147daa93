import { ensureBackend } from '../backend/index.js';
import * as tf from '@tensorflow/tfjs';
import { ModelCheckpointError } from './modelCheckpointError.js';
import { MIXTURE_FORMAT, MIXTURE_FORMAT_VERSION, MixtureOfExperts } from './mixtureOfExperts.js';
import type { MixtureOfExpertsConfig } from './mixtureOfExpertsConfig.js';
import { mixtureWeightSpecs, type MixtureWeightSpec } from './mixtureOfExpertsWeightSpecs.js';
import { resolveMixtureHandler, type ModelLocation } from './mixtureIoHandler.js';

/** The checkpoint's location in words, for messages: the path or URL, or 'the given IOHandler'. */
function describeSource(source: ModelLocation): string {
  if (typeof source === 'string') return source.length > 200 ? `${source.slice(0, 100)}…${source.slice(-99)}` : source;
  if (source instanceof URL) return source.href.length > 200 ? `${source.href.slice(0, 199)}…` : source.href;
  return 'the given IOHandler';
}

function joinWeightData(data: tf.io.WeightData | undefined): ArrayBuffer {
  if (data === undefined) return new ArrayBuffer(0);
  if (!Array.isArray(data)) return data as ArrayBuffer;
  const total = data.reduce((s, b) => s + b.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const b of data) {
    out.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return out.buffer;
}

/**
 * Loads a model saved by `MixtureOfExperts.save`, checking it thoroughly: the topology must be a lymphomix
 * mixture-of-experts checkpoint of a known version with a valid configuration; the weights in the file must be
 * exactly the weights that configuration builds (same names, shapes, float32); the weight bytes must match the
 * manifest and every value must be finite. Predictions of the loaded model equal those of the saved one.
 *
 * @param source - Resolved as `MixtureOfExperts.save` resolves its destination ({@link resolveMixtureHandler}): a
 *   folder or `model.json` path (Node), a URL (`file:`, http(s), `indexeddb://`, …) or a `tf.io.IOHandler` (e.g.
 *   `tf.io.fromMemory(artifacts)`).
 * @returns A new model owned by the caller (`dispose()` it).
 * @throws {@link ModelCheckpointError} naming the file (or 'the given IOHandler') and the weight that does not match; the
 *   manifest is checked against the configuration before the model is built, so an inflated configuration fails
 *   without allocating it (io's `ModelIoError` when the files cannot be read).
 * @example
 * ```ts
 * const model = await loadMixtureOfExperts('models/moe');
 * const { probability } = await model.predict(bags);
 * ```
 */
export async function loadMixtureOfExperts(source: ModelLocation): Promise<MixtureOfExperts> {
  await ensureBackend();
  const handler = resolveMixtureHandler(source, 'load', 'loadMixtureOfExperts');
  const artifacts = await (handler.load as NonNullable<tf.io.IOHandler['load']>)();
  const topology = artifacts.modelTopology as Record<string, unknown> | undefined;
  if (topology === undefined || topology === null || typeof topology !== 'object' || ArrayBuffer.isView(topology) || topology instanceof ArrayBuffer) {
    throw new ModelCheckpointError('not a lymphomix checkpoint: no JSON modelTopology');
  }
  if (topology['format'] !== MIXTURE_FORMAT || topology['className'] !== MixtureOfExperts.className) {
    throw new ModelCheckpointError(
      `not a mixture-of-experts checkpoint: format '${String(topology['format'])}', className '${String(topology['className'])}' ` +
        `(expected '${MIXTURE_FORMAT}', '${MixtureOfExperts.className}')`,
    );
  }
  const version = topology['formatVersion'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1 || version > MIXTURE_FORMAT_VERSION) {
    throw new ModelCheckpointError(`unsupported format version ${String(version)} (this library reads 1 to ${MIXTURE_FORMAT_VERSION})`);
  }
  const config = topology['config'];
  if (typeof config !== 'object' || config === null) throw new ModelCheckpointError('the checkpoint has no config object');
  const file = describeSource(source);
  let expected: MixtureWeightSpec[];
  try {
    expected = mixtureWeightSpecs(config as MixtureOfExpertsConfig);
  } catch (error) {
    throw new ModelCheckpointError(`invalid config in ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  // The manifest against the configuration BEFORE the model is built: an inflated config fails here, in milliseconds.
  const specs = artifacts.weightSpecs ?? [];
  const byName = new Map(specs.map((s) => [s.name, s]));
  const missing = expected.filter((w) => !byName.has(w.name)).map((w) => w.name);
  const known = new Set(expected.map((w) => w.name));
  const unexpected = specs.filter((s) => !known.has(s.name)).map((s) => s.name);
  if (missing.length > 0 || unexpected.length > 0 || byName.size !== specs.length) {
    throw new ModelCheckpointError(
      `weights of ${file} do not match its configuration: missing [${missing.join(', ')}], unexpected [${unexpected.join(', ')}]` +
        (byName.size !== specs.length ? ', a weight listed twice' : ''),
    );
  }
  for (const w of expected) {
    const spec = byName.get(w.name) as tf.io.WeightsManifestEntry;
    if (spec.dtype !== 'float32' || spec.quantization !== undefined || !Array.isArray(spec.shape) || !tf.util.arraysEqual(spec.shape, w.shape as number[])) {
      throw new ModelCheckpointError(
        `weight ${w.name} in ${file} is ${String(spec.dtype)}[${Array.isArray(spec.shape) ? spec.shape.join(', ') : String(spec.shape)}]` +
          `${spec.quantization ? ' (quantised)' : ''}, its configuration needs float32[${w.shape.join(', ')}]`,
      );
    }
  }
  const buffer = joinWeightData(artifacts.weightData);
  const needed = specs.reduce((s, spec) => s + 4 * spec.shape.reduce((a, b) => a * b, 1), 0);
  if (buffer.byteLength !== needed) {
    throw new ModelCheckpointError(`corrupted weights in ${file}: ${buffer.byteLength} bytes of weight data, the manifest needs ${needed}`);
  }
  let model: MixtureOfExperts;
  try {
    model = new MixtureOfExperts(config as MixtureOfExpertsConfig);
  } catch (error) {
    throw new ModelCheckpointError(`invalid config in ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  try {
    const named = model.namedWeights();
    const decoded = tf.io.decodeWeights(buffer, specs);
    try {
      for (const w of named) {
        const t = decoded[w.name] as tf.Tensor;
        const values = t.dataSync();
        for (let i = 0; i < values.length; i++) {
          if (!Number.isFinite(values[i])) throw new ModelCheckpointError(`corrupted weights in ${file}: ${w.name} holds a non-finite value at ${i}`);
        }
        try {
          w.variable.write(t);
        } catch (error) {
          throw new ModelCheckpointError(`weight ${w.name} in ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        }
      }
    } finally {
      tf.dispose(decoded);
    }
    return model;
  } catch (error) {
    model.dispose();
    throw error;
  }
}
