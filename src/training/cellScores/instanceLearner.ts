import type { LossCurve } from '../estimator/index.js';
import type { CellMatrix } from './cellMatrix.js';

/** Held-out cells whose loss a per-cell fit records step by step (never trained on): [m, F] cells, [m] labels and weights. */
export interface InstanceValidation {
  /** [m, F] cells with the training columns. */
  readonly cells: CellMatrix;
  /** [m] 0 or 1. */
  readonly labels: ArrayLike<number>;
  /** [m] weights ≥ 0 (e.g. {@link cellWeights} of the held-out patients), some positive. */
  readonly weights: ArrayLike<number>;
}

/** The loss curve of one per-cell fit (a {@link LossCurve} without its name, which the caller gives). */
export type InstanceFitHistory = Omit<LossCurve, 'name'>;

/** A fitted per-cell model: one score (a logit: larger = more malignant-looking) per cell. */
/**
 * Everything a fitted per-cell model is, as plain JSON (numbers and arrays): what a saved model holds.
 * `instanceScorerFromState` turns it back into the same scorer.
 */
export type InstanceScorerState =
  | { readonly kind: 'logistic'; readonly coefficients: number[]; readonly intercept: number; readonly mean: number[]; readonly scale: number[] }
  | {
      readonly kind: 'gbdt';
      readonly cols: number;
      readonly baseScore: number;
      readonly roots: number[];
      readonly feature: number[];
      readonly threshold: number[];
      readonly left: number[];
      readonly right: number[];
      readonly value: number[];
    }
  | { readonly kind: 'mlp'; readonly hidden: number; readonly mean: number[]; readonly scale: number[]; readonly theta: number[] }
  | { readonly kind: 'average'; readonly members: InstanceScorerState[] };

export interface InstanceScorer {
  /**
   * Scores cells.
   * @param cells - [n, F] cells with the training columns, in order
   * @returns [n] logits
   */
  score(cells: CellMatrix): Float64Array;
  /**
   * The scorer as plain JSON, for saving (`instanceScorerFromState` restores it); the library's learners have it, a
   * scorer without it cannot be saved.
   */
  state?(): InstanceScorerState;
  /** The fit's loss, step by step, when the learner records it (the library's learners do; a restored scorer has none). */
  readonly history?: InstanceFitHistory;
}

/**
 * Learns a per-cell model from cells that each carry their patient's label, with a weight per cell
 * (see {@link cellWeights}). The cell-scores expert fits one several times (cross-fitting), so a fit is
 * deterministic given its seed.
 */
export interface InstanceLearner {
  /** A short name for reports, e.g. `'logistic(C=0.01)'`. */
  readonly name: string;
  /**
   * Fits the per-cell model.
   * @param cells - [n, F] training cells
   * @param labels - [n] 0 or 1, each cell's patient's label; both classes present
   * @param weights - [n] positive weights
   * @param seed - seed of anything random in the fit (subsampling, initialisation), an integer
   * @param validation - held-out cells whose loss the fit records in the scorer's `history` (never trained on).
   *   Defaults to none.
   * @returns the fitted scorer
   */
  fit(cells: CellMatrix, labels: Uint8Array, weights: Float64Array, seed: number, validation?: InstanceValidation): InstanceScorer;
}
