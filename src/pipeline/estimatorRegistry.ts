import { ArgumentError, checkFunction, checkString } from '../core/index.js';
import type { BagPrediction, Estimator, FittedModel } from '../training/index.js';
import { BUILTIN_ESTIMATORS } from './builtinEstimators.js';

/** A fitted model the pipeline can save: a {@link FittedModel} with `save(dir)`. */
export interface SavableModel<P extends BagPrediction = BagPrediction> extends FittedModel<P> {
  /**
   * Writes the model into a folder (created if needed) so that the kind's `load` restores it exactly.
   * @param dir - The folder (Node path).
   */
  save(dir: string): Promise<void>;
}

/**
 * How the pipeline builds, saves and restores one kind of model: register a kind with {@link registerEstimator} to
 * use your own model in a pipeline (its options must be JSON, since they are saved in the manifest).
 */
export interface EstimatorKind {
  /**
   * Builds an estimator from the configuration's options.
   * @param options - `config.model.options` (JSON).
   * @param context - What the pipeline feeds the model: the per-image feature names (the width of each bag's
   *   `handmade` matrix; empty without handmade features).
   * @returns The estimator; its fitted models must be {@link SavableModel}s.
   */
  create(options: Readonly<Record<string, unknown>>, context: EstimatorContext): Estimator<BagPrediction, SavableModel>;
  /**
   * Restores a model that `save` wrote.
   * @param dir - The folder (a Node path or a URL of the folder in browsers).
   * @param options - `config.model.options` of the saved pipeline.
   * @returns The model.
   */
  load(dir: string, options: Readonly<Record<string, unknown>>): Promise<SavableModel>;
}

// Built in from the start (not through a side-effect import, which `sideEffects: false` lets bundlers drop).
/** What a pipeline tells a model kind about its inputs. */
export interface EstimatorContext {
  /** The columns of every bag's `handmade` matrix, in order (empty when the pipeline computes no handmade features). */
  readonly featureNames: readonly string[];
}

const registry = new Map<string, EstimatorKind>(Object.entries(BUILTIN_ESTIMATORS));

/**
 * Registers (or replaces) a model kind, so that `PipelineConfig.model.kind` can name it.
 *
 * @param kind - The name, e.g. `'my-model'`.
 * @param implementation - How to create, save and load it.
 * @example
 * ```ts
 * registerEstimator('always-malignant', {
 *   create: () => ({ name: 'always-malignant', fit: async () => alwaysMalignantModel }),
 *   load: async () => alwaysMalignantModel,
 * });
 * const pipeline = new LymphocytosisPipeline({ model: { kind: 'always-malignant' } });
 * ```
 */
export function registerEstimator(kind: string, implementation: EstimatorKind): void {
  checkString('registerEstimator', 'kind', kind);
  if (typeof implementation !== 'object' || implementation === null) {
    throw new ArgumentError('registerEstimator', 'implementation', 'an object with create and load', implementation);
  }
  checkFunction('registerEstimator', 'implementation.create', implementation.create);
  checkFunction('registerEstimator', 'implementation.load', implementation.load);
  registry.set(kind, implementation);
}

/**
 * The registered implementation of a kind.
 * @param kind - The kind.
 * @param fn - The public function to name in the error.
 * @returns The implementation.
 * @throws ArgumentError listing the registered kinds when `kind` is unknown.
 */
export function getEstimatorKind(kind: string, fn: string): EstimatorKind {
  const found = registry.get(kind);
  if (found === undefined) {
    throw new ArgumentError(fn, 'config.model.kind', `a registered model kind (${[...registry.keys()].join(', ')}; see registerEstimator)`, kind);
  }
  return found;
}

/** The registered kinds, in registration order. */
export function estimatorKinds(): string[] {
  return [...registry.keys()];
}
