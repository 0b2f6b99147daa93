import { checkMonitorMode, isImprovement } from './monitorMode.js';
import type { MonitorMode } from './monitorMode.js';
import { checkInteger, checkNumber } from '../../core/index.js';

/** Options of {@link ReduceLROnPlateau}. */
export interface ReduceLROnPlateauOptions {
  /** Multiplier applied to the learning rate on a plateau, in (0, 1). Defaults to 0.1 (÷10, as in the report). */
  factor?: number;
  /**
   * Number of consecutive updates without improvement after which the rate is reduced, an integer ≥ 1 (Keras
   * semantics: reduced on the `patience`-th bad epoch; PyTorch reduces on the `patience + 1`-th). Defaults to 5.
   */
  patience?: number;
  /** Absolute margin a value must beat the best by to count as an improvement, ≥ 0. Defaults to 1e-4 (Keras). */
  minDelta?: number;
  /** Number of updates after a reduction during which bad epochs are not counted, an integer ≥ 0. Defaults to 0. */
  cooldown?: number;
  /** Lower bound of the learning rate, ≥ 0. Defaults to 0. */
  minLr?: number;
  /** `'min'` for a loss, `'max'` for a score. Defaults to `'min'`. */
  mode?: MonitorMode;
}

/**
 * Fills in the defaults of {@link ReduceLROnPlateauOptions} and checks them (internal; also used by the callback to
 * fail at construction rather than when training starts).
 *
 * @param options - the options to check.
 * @returns every option, defaults filled in.
 * @throws {ArgumentError} naming the first option out of range.
 */
export function resolveReduceLROnPlateauOptions(options: ReduceLROnPlateauOptions): Required<ReduceLROnPlateauOptions> {
  const name = 'ReduceLROnPlateau';
  const { factor = 0.1, patience = 5, minDelta = 1e-4, cooldown = 0, minLr = 0, mode = 'min' } = options;
  checkMonitorMode(name, mode);
  checkNumber(name, 'factor', factor, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  checkInteger(name, 'patience', patience, { min: 1 });
  checkNumber(name, 'minDelta', minDelta, { min: 0 });
  checkInteger(name, 'cooldown', cooldown, { min: 0 });
  checkNumber(name, 'minLr', minLr, { min: 0 });
  return { factor, patience, minDelta, cooldown, minLr, mode };
}

/** What {@link ReduceLROnPlateau.update} decided. */
export interface PlateauDecision {
  /** The learning rate to use from now on. */
  readonly learningRate: number;
  /** Whether this update reduced the learning rate. */
  readonly reduced: boolean;
  /** Whether the value improved on the best by more than `minDelta`. */
  readonly improved: boolean;
  /** Best value seen so far (after this update). */
  readonly best: number;
  /** Consecutive bad updates counted toward patience (after this update). */
  readonly wait: number;
}

/**
 * Reduces the learning rate when a monitored quantity (the validation loss) stops improving, like Keras'
 * `ReduceLROnPlateau` / PyTorch's `lr_scheduler.ReduceLROnPlateau` (absolute threshold). A plain state machine for
 * custom training loops: feed it one value per epoch and apply the returned rate (with {@link setLearningRate});
 * `ReduceLROnPlateauCallback` wraps it for `model.fit`.
 *
 * Rules per update: a value better than `best ∓ minDelta` becomes the best and resets the wait; otherwise, outside
 * cooldown, the wait grows, and when it reaches `patience` the rate becomes `max(lr·factor, minLr)` (no change once
 * at `minLr`), the wait resets and `cooldown` updates follow in which bad values are not counted. NaN (a diverged
 * loss) is never an improvement: it counts as a bad epoch.
 *
 * @example
 * ```ts
 * const plateau = new ReduceLROnPlateau(1e-3, { factor: 0.1, patience: 5 });
 * for (let epoch = 0; epoch < 100; epoch++) {
 *   const validationLoss = trainOneEpoch();
 *   setLearningRate(optimizer, plateau.update(validationLoss).learningRate);
 * }
 * ```
 */
export class ReduceLROnPlateau {
  readonly factor: number;
  readonly patience: number;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  readonly mode: MonitorMode;
  private learningRate_: number;
  private best_: number;
  private wait_ = 0;
  private cooldownCounter = 0;

  /**
   * @param initialLearningRate - the optimizer's learning rate at the start, finite and > 0 (≥ `minLr`).
   * @param options - see {@link ReduceLROnPlateauOptions}.
   * @throws RangeError when an option is out of range.
   */
  constructor(initialLearningRate: number, options: ReduceLROnPlateauOptions = {}) {
    const { factor, patience, minDelta, cooldown, minLr, mode } = resolveReduceLROnPlateauOptions(options);
    checkNumber('ReduceLROnPlateau', 'initialLearningRate', initialLearningRate, { min: Math.max(minLr, 0), minExclusive: minLr === 0 });
    this.factor = factor;
    this.patience = patience;
    this.minDelta = minDelta;
    this.cooldown = cooldown;
    this.minLr = minLr;
    this.mode = mode;
    this.learningRate_ = initialLearningRate;
    this.best_ = mode === 'min' ? Infinity : -Infinity;
  }

  /** Current learning rate. */
  get learningRate(): number {
    return this.learningRate_;
  }

  /** Best value so far (±Infinity before the first finite value). */
  get best(): number {
    return this.best_;
  }

  /**
   * Records one value of the monitored quantity (typically once per epoch).
   *
   * @param value - the monitored value, e.g. the validation loss; NaN counts as no improvement.
   * @returns the decision, with the learning rate to use from now on.
   */
  update(value: number): PlateauDecision {
    const inCooldown = this.cooldownCounter > 0;
    if (inCooldown) this.cooldownCounter--;
    let reduced = false;
    const improved = isImprovement(this.mode, value, this.best_, this.minDelta);
    if (improved) {
      this.best_ = value;
      this.wait_ = 0;
    } else if (!inCooldown) {
      this.wait_++;
      if (this.wait_ >= this.patience && this.learningRate_ > this.minLr) {
        this.learningRate_ = Math.max(this.learningRate_ * this.factor, this.minLr);
        this.cooldownCounter = this.cooldown;
        this.wait_ = 0;
        reduced = true;
      }
    }
    return { learningRate: this.learningRate_, reduced, improved, best: this.best_, wait: this.wait_ };
  }
}
