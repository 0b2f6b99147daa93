/** What one step of a {@link LossCurve} is: an epoch of gradient descent, a boosting round, a Newton iteration. */
export type LossCurveUnit = 'epoch' | 'boosting round' | 'Newton iteration';

/**
 * The training (and, when there is validation data, validation) loss of one fit, step by step: what a fitted model
 * records in {@link FittedModel.history}, `crossValidate` keeps per fold, and the report draws.
 *
 * Shape key: S steps. `train[s]` and `validation[s]` are the losses after step s (0-based), so both arrays have S
 * entries. The loss is the fit's own objective (see `loss`), comparable between the steps of one curve, not always
 * between models.
 */
export interface LossCurve {
  /** What the curve follows, e.g. `'member 0'` (an ensemble's first model) or `'gbdt(100, depth 3, η 0.1): final'`. */
  readonly name: string;
  /** What a step is. */
  readonly unit: LossCurveUnit;
  /** What the loss is, in words, e.g. `'weighted BCE + λ·NMSE'` or `'weighted log-loss per cell'`. */
  readonly loss: string;
  /** [S] training loss after each step. */
  readonly train: number[];
  /** [S] validation loss after each step, `null` without validation data. */
  readonly validation: number[] | null;
}
