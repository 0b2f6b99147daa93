import * as tf from '@tensorflow/tfjs';
import { getLearningRate, setLearningRate } from '../schedules/learningRate.js';
import { ReduceLROnPlateau, resolveReduceLROnPlateauOptions } from '../schedules/reduceLROnPlateau.js';
import type { PlateauDecision, ReduceLROnPlateauOptions } from '../schedules/reduceLROnPlateau.js';
import { monitoredValue } from './monitoredValue.js';

/** Options of {@link ReduceLROnPlateauCallback}. */
export interface ReduceLROnPlateauCallbackOptions extends ReduceLROnPlateauOptions {
  /** Key of the epoch logs to monitor. Defaults to `'val_loss'`. */
  monitor?: string;
}

/**
 * {@link ReduceLROnPlateau} as a tfjs callback for `model.fit`: reads the compiled optimizer's learning rate when
 * training begins and writes the reduced rate into it (see {@link setLearningRate}: {@link AdamW} and tfjs's
 * built-in optimizers). Each epoch's decision is appended to `history`.
 *
 * @example
 * ```ts
 * model.compile({ optimizer: new AdamW({ learningRate: 1e-3 }), loss: 'binaryCrossentropy' });
 * await model.fit(x, y, { epochs: 100, validationData, callbacks: [new ReduceLROnPlateauCallback({ patience: 5 })] });
 * ```
 */
export class ReduceLROnPlateauCallback extends tf.Callback {
  /** The monitored key of the logs. */
  readonly monitor: string;
  /** The options the schedule is built with at each training start. */
  readonly options: ReduceLROnPlateauOptions;
  /** The schedule of the current training run (undefined before `fit`). */
  schedule: ReduceLROnPlateau | undefined;
  /** One decision per epoch of the last run. */
  history: PlateauDecision[] = [];

  /**
   * @param options - see {@link ReduceLROnPlateauCallbackOptions}; validated now.
   */
  constructor(options: ReduceLROnPlateauCallbackOptions = {}) {
    super();
    const { monitor = 'val_loss', ...rest } = options;
    this.monitor = monitor;
    this.options = resolveReduceLROnPlateauOptions(rest); // checked now, not when training starts
  }

  override async onTrainBegin(): Promise<void> {
    this.schedule = new ReduceLROnPlateau(getLearningRate(this.model.optimizer), this.options);
    this.history = [];
  }

  override async onEpochEnd(_epoch: number, logs?: tf.Logs): Promise<void> {
    const value = await monitoredValue('ReduceLROnPlateauCallback', logs, this.monitor);
    const schedule = this.schedule as ReduceLROnPlateau;
    const decision = schedule.update(value);
    this.history.push(decision);
    if (decision.reduced) setLearningRate(this.model.optimizer, decision.learningRate);
  }
}
