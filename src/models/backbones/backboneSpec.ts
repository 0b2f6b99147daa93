import type { LoadTorchWeightsOptions } from './backbone.js';
import type { Backbone } from './backbone.js';
import { BACKBONE_NAMES, createBackbone } from './createBackbone.js';
import type { BackboneName, CreateBackboneOptions } from './createBackbone.js';
import { loadBackbone } from './loadBackbone.js';

/**
 * A backbone described by value, so that another thread can rebuild it: the architecture, its options, and
 * where its weights are. Everything in it is structured-cloneable (it is sent to worker threads).
 */
export interface BackboneSpec {
  /** The architecture, see `BACKBONE_NAMES`. */
  name: BackboneName;
  /**
   * Options of `createBackbone` (input size and range, mean/std, seed of the random weights, architecture
   * overrides, LoRA) and the loading rules of `loadTorchWeights` (`strict`, `ignore`). Defaults to `{}`.
   */
  options?: CreateBackboneOptions & LoadTorchWeightsOptions;
  /**
   * The `.safetensors` checkpoint: a path or URL string (read by each thread itself) or the file bytes (copied
   * to each thread). Null: the random weights of `options.seed`. Defaults to null.
   */
  weights?: string | Uint8Array | null;
}

/**
 * Check a {@link BackboneSpec} early, before any thread starts.
 *
 * @param spec - the spec
 * @param fnName - the function named in the error messages
 * @throws TypeError naming `fnName` and the value for a spec that is not an object, an unknown `name`, or
 *   `weights` that are neither a string, bytes nor null
 */
export function checkBackboneSpec(spec: BackboneSpec, fnName: string): void {
  if (spec === null || typeof spec !== 'object') {
    throw new TypeError(`${fnName}: expected a backbone spec { name, options?, weights? }, got ${String(spec)}`);
  }
  if (!BACKBONE_NAMES.includes(spec.name)) {
    throw new TypeError(
      `${fnName}: unknown backbone ${JSON.stringify(spec.name)} (expected one of ${BACKBONE_NAMES.join(', ')})`,
    );
  }
  const w = spec.weights;
  if (w !== undefined && w !== null && typeof w !== 'string' && !(w instanceof Uint8Array)) {
    throw new TypeError(
      `${fnName}: spec.weights must be a path or URL string, the checkpoint bytes or null, got ${Object.prototype.toString.call(w)}`,
    );
  }
}

/**
 * Build the backbone a {@link BackboneSpec} describes, on the active tfjs backend: `createBackbone` with random
 * weights, or `loadBackbone` with the checkpoint.
 *
 * @param spec - the spec
 * @returns the backbone; the caller disposes it
 * @throws the errors of `createBackbone` / `loadBackbone` (unknown name, unreadable checkpoint, weight mismatch)
 * @example
 * const backbone = await buildBackbone({ name: 'resnet18', weights: 'weights/resnet18.safetensors' });
 */
export async function buildBackbone(spec: BackboneSpec): Promise<Backbone> {
  const options = spec.options ?? {};
  const weights = spec.weights ?? null;
  if (weights === null) {
    const { strict: _strict, ignore: _ignore, ...create } = options;
    return createBackbone(spec.name, create);
  }
  return loadBackbone(spec.name, weights, options);
}
