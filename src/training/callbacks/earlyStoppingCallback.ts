import * as tf from '@tensorflow/tfjs';
import { EarlyStopping } from './earlyStopping.js';
import type { EarlyStoppingOptions } from './earlyStopping.js';
import { monitoredValue } from './monitoredValue.js';

/** Options of {@link EarlyStoppingCallback}. */
export interface EarlyStoppingCallbackOptions extends EarlyStoppingOptions {
  /** Key of the epoch logs to monitor. Defaults to `'val_loss'`. */
  monitor?: string;
}

/**
 * {@link EarlyStopping} as a tfjs callback for `model.fit({ callbacks: [...] })`: sets `model.stopTraining` once the
 * monitored value has not improved for `patience` epochs and, with `restoreBestWeights` (default), writes the best
 * epoch's weights back into the model when training ends, whether it stopped early or ran all epochs ("we take the
 * model with the best validation loss"). The best-weights copy is freed at the end of training.
 *
 * @example
 * ```ts
 * const stopper = new EarlyStoppingCallback({ patience: 10 });
 * await model.fit(x, y, { epochs: 200, validationData: [xVal, yVal], callbacks: [stopper] });
 * stopper.stoppedEpoch; // −1 when all epochs ran
 * ```
 */
export class EarlyStoppingCallback extends tf.Callback {
  /** The monitored key of the logs. */
  readonly monitor: string;
  /** The underlying state machine (read its `best`, `bestEpoch`). */
  readonly stopper: EarlyStopping;
  /** Epoch at which training was stopped, −1 if it was not. */
  stoppedEpoch = -1;

  /**
   * @param options - see {@link EarlyStoppingCallbackOptions}.
   */
  constructor(options: EarlyStoppingCallbackOptions = {}) {
    super();
    const { monitor = 'val_loss', ...rest } = options;
    this.monitor = monitor;
    this.stopper = new EarlyStopping(rest);
  }

  override async onTrainBegin(): Promise<void> {
    this.stopper.reset();
    this.stoppedEpoch = -1;
  }

  override async onEpochEnd(epoch: number, logs?: tf.Logs): Promise<void> {
    const value = await monitoredValue('EarlyStoppingCallback', logs, this.monitor);
    const decision = this.stopper.update(value, this.model);
    if (decision.stop) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
    }
  }

  override async onTrainEnd(): Promise<void> {
    this.stopper.restoreBestWeights(this.model);
    this.stopper.dispose();
  }
}
