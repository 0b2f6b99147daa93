import { checkMonitorMode, isImprovement } from '../schedules/monitorMode.js';
import type { MonitorMode } from '../schedules/monitorMode.js';
import { WeightSnapshot } from './weightSnapshot.js';
import type { WeightSource } from './weightSnapshot.js';
import { ArgumentError, checkInteger, checkNumber } from '../../core/index.js';

/** Options of {@link EarlyStopping}. */
export interface EarlyStoppingOptions {
  /** Number of consecutive updates without improvement after which training stops, an integer ≥ 1. Defaults to 10. */
  patience?: number;
  /** Absolute margin a value must beat the best by to count as an improvement, ≥ 0. Defaults to 0. */
  minDelta?: number;
  /** `'min'` for a loss, `'max'` for a score. Defaults to `'min'`. */
  mode?: MonitorMode;
  /**
   * A value the monitored quantity must beat before anything counts as an improvement (Keras `baseline`).
   * Defaults to none (the first finite value is an improvement).
   */
  baseline?: number;
  /**
   * Keep a copy of the weights passed to `update` whenever the value improves, so that
   * {@link EarlyStopping.restoreBestWeights} can bring back the best epoch. Defaults to true.
   */
  restoreBestWeights?: boolean;
}

/** What {@link EarlyStopping.update} decided. */
export interface EarlyStoppingDecision {
  /** Whether training should stop now. */
  readonly stop: boolean;
  /** Whether the value improved on the best by more than `minDelta`. */
  readonly improved: boolean;
  /** Best value seen so far (after this update). */
  readonly best: number;
  /** 0-based index of the update that gave the best value, −1 if none yet. */
  readonly bestEpoch: number;
  /** Consecutive updates without improvement (after this update). */
  readonly wait: number;
}

/**
 * Stops training when a monitored quantity (the validation loss) has not improved for `patience` updates, and keeps
 * the weights of the best update, like Keras' `EarlyStopping(restore_best_weights=True)` (tfjs's own callback cannot
 * restore weights). A plain state machine for custom training loops; `EarlyStoppingCallback` wraps it for
 * `model.fit`. NaN is never an improvement.
 *
 * Owns a {@link WeightSnapshot} of the best weights: call {@link EarlyStopping.dispose} when done.
 *
 * @example
 * ```ts
 * const stopper = new EarlyStopping({ patience: 10 });
 * for (let epoch = 0; epoch < 200; epoch++) {
 *   const validationLoss = trainOneEpoch();
 *   if (stopper.update(validationLoss, model).stop) break;
 * }
 * stopper.restoreBestWeights(model); // the model with the best validation loss
 * stopper.dispose();
 * ```
 */
export class EarlyStopping {
  readonly patience: number;
  readonly minDelta: number;
  readonly mode: MonitorMode;
  readonly baseline: number | undefined;
  readonly keepBestWeights: boolean;
  private best_: number;
  private bestEpoch_ = -1;
  private wait_ = 0;
  private epoch = 0;
  private snapshot: WeightSnapshot | undefined;

  /**
   * @param options - see {@link EarlyStoppingOptions}.
   * @throws RangeError when an option is out of range.
   */
  constructor(options: EarlyStoppingOptions = {}) {
    const name = 'EarlyStopping';
    const { patience = 10, minDelta = 0, mode = 'min', baseline, restoreBestWeights = true } = options;
    checkMonitorMode(name, mode);
    checkInteger(name, 'patience', patience, { min: 1 });
    checkNumber(name, 'minDelta', minDelta, { min: 0 });
    if (baseline !== undefined && Number.isNaN(baseline)) throw new ArgumentError(name, 'baseline', 'a number or undefined', baseline);
    this.patience = patience;
    this.minDelta = minDelta;
    this.mode = mode;
    this.baseline = baseline;
    this.keepBestWeights = restoreBestWeights;
    this.best_ = baseline ?? (mode === 'min' ? Infinity : -Infinity);
  }

  /** Best value so far (the baseline or ±Infinity before any improvement). */
  get best(): number {
    return this.best_;
  }

  /** 0-based index of the best update, −1 if none yet. */
  get bestEpoch(): number {
    return this.bestEpoch_;
  }

  /** Whether best weights are held (an improving update received weights). */
  get hasBestWeights(): boolean {
    return this.snapshot !== undefined;
  }

  /**
   * Records one value of the monitored quantity (once per epoch).
   *
   * @param value - the monitored value, e.g. the validation loss; NaN counts as no improvement.
   * @param weights - the current weights (variables or a model): copied when the value improves and
   *   `restoreBestWeights` is on. Optional.
   * @returns the decision; `stop` is true once `wait` reaches `patience`.
   */
  update(value: number, weights?: WeightSource): EarlyStoppingDecision {
    const improved = isImprovement(this.mode, value, this.best_, this.minDelta);
    if (improved) {
      this.best_ = value;
      this.bestEpoch_ = this.epoch;
      this.wait_ = 0;
      if (this.keepBestWeights && weights !== undefined) {
        const snapshot = WeightSnapshot.capture(weights);
        this.snapshot?.dispose();
        this.snapshot = snapshot;
      }
    } else {
      this.wait_++;
    }
    this.epoch++;
    return {
      stop: this.wait_ >= this.patience,
      improved,
      best: this.best_,
      bestEpoch: this.bestEpoch_,
      wait: this.wait_,
    };
  }

  /**
   * Writes the best weights back into `target` (usually the source given to `update`).
   *
   * @param target - variables or a model with the layout of the captured weights.
   * @returns false (and changes nothing) when no best weights are held.
   */
  restoreBestWeights(target: WeightSource): boolean {
    if (this.snapshot === undefined) return false;
    this.snapshot.restore(target);
    return true;
  }

  /** Forgets the state and frees the best weights, to reuse the instance for a new training run. */
  reset(): void {
    this.dispose();
    this.best_ = this.baseline ?? (this.mode === 'min' ? Infinity : -Infinity);
    this.bestEpoch_ = -1;
    this.wait_ = 0;
    this.epoch = 0;
  }

  /** Frees the best-weights snapshot. */
  dispose(): void {
    this.snapshot?.dispose();
    this.snapshot = undefined;
  }
}
