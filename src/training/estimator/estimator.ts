import type { ProgressListener } from '../../core/index.js';
import type { PatientBag } from '../../models/index.js';
import type { LossCurve } from './lossCurve.js';

/**
 * Per-patient predictions of a fitted model, one entry per patient in input order. Only `probability` is required;
 * a model fills in whatever else it computes (the mixture's gate π, each expert's probability, the multitask head's
 * lymphocyte count, attention over the images) and leaves the rest out.
 */
export interface BagPrediction {
  /** [B] probability of malignant lymphocytosis, in [0, 1]. */
  readonly probability: Float32Array;
  /** [B] gate weight π of the image expert, where the model has a gate. */
  readonly gate?: Float32Array | null;
  /** [B] probability of each expert alone (keys: `image`, `scalar`, `cells`, …), where the model has experts. */
  readonly experts?: Readonly<Record<string, Float32Array | null>>;
  /** [B] predicted lymphocyte count (10⁹/L), where the model has a multitask head. */
  readonly lymphCount?: Float32Array | null;
  /** Per patient, a weight (or score) per image, keyed by the instance matrix it refers to (`images`, `handmade`). */
  readonly attention?: Readonly<Record<string, Float32Array[] | null>>;
}

/** A model returned by {@link Estimator.fit}: predicts bags, and owns whatever memory it holds. */
export interface FittedModel<P extends BagPrediction = BagPrediction> {
  /**
   * Predicts patients (labels, when present, are never read).
   * @param bags - At least one patient with the inputs the model was fitted on.
   * @returns One prediction per patient, in input order.
   */
  predict(bags: readonly PatientBag[]): Promise<P>;
  /**
   * The loss curves of the fit that made the model (one per model fitted: an ensemble's members, a per-cell
   * expert's per-cell fits), when the estimator records them; a model restored from disk has none.
   */
  readonly history?: readonly LossCurve[];
  /** Frees the model's memory (tensors); calling it twice is harmless. */
  dispose(): void;
}

/** Training progress an estimator may report: `done` of `total` epochs (or steps), with its own details. */
export type EstimatorProgressDetail = Readonly<Record<string, unknown>>;

/** Options every {@link Estimator.fit} receives from its caller (e.g. `crossValidate`). */
export interface EstimatorFitOptions {
  /** Seed of everything random in the fit (initialisation, shuffles, inner splits), an integer. */
  readonly seed: number;
  /** Reports training progress; its return value is ignored. Defaults to none. */
  readonly onProgress?: ProgressListener<EstimatorProgressDetail>;
  /** Stops the fit (it rejects with the signal's reason) when aborted. Defaults to none. */
  readonly signal?: AbortSignal;
}

/**
 * Anything that learns from labelled patients: the mixture of experts, the logistic-regression baseline, a per-cell
 * expert, a user's own model. `crossValidate`, the pipeline and the CLI take an estimator, so each model is
 * cross-validated, ensembled and reported the same way.
 *
 * @typeParam P - the prediction type of the fitted model
 * @typeParam M - the fitted model's own type (e.g. `MixtureEnsemble`, which also saves), kept by `crossValidate`
 * @example
 * ```ts
 * const estimator: Estimator = {
 *   name: 'always-malignant',
 *   async fit() {
 *     return { predict: async (bags) => ({ probability: new Float32Array(bags.length).fill(1) }), dispose() {} };
 *   },
 * };
 * const cv = await crossValidate(estimator, bags, { folds: 5, repeats: 3, seed: 0 });
 * ```
 */
export interface Estimator<P extends BagPrediction = BagPrediction, M extends FittedModel<P> = FittedModel<P>> {
  /** A short name for reports and messages, e.g. `'mixture-of-experts'`. */
  readonly name: string;
  /**
   * Fits a new model on labelled patients (every bag has `label` 0 or 1). Never modifies the bags.
   * @param bags - The training patients.
   * @param options - Seed, progress, abort signal.
   * @returns The fitted model; the caller disposes it.
   */
  fit(bags: readonly PatientBag[], options: EstimatorFitOptions): Promise<M>;
}
