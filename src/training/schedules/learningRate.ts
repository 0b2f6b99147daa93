import type * as tf from '@tensorflow/tfjs';
import { checkNumber } from '../../core/index.js';

/** The shapes of optimizer whose learning rate can be read and written. */
interface WithSetter {
  setLearningRate(learningRate: number): void;
}
interface WithField {
  learningRate: number;
}

/**
 * Reads an optimizer's learning rate: {@link AdamW}, and tfjs's built-in `sgd`, `momentum`, `adam`, `adamax`,
 * `rmsprop`, `adagrad` and `adadelta` all keep it in a `learningRate` field.
 *
 * @param optimizer - the optimizer.
 * @returns the current learning rate.
 * @throws TypeError when the optimizer has no numeric `learningRate`.
 *
 * @example
 * ```ts
 * getLearningRate(tf.train.adam(1e-3)); // 0.001
 * ```
 */
export function getLearningRate(optimizer: tf.Optimizer): number {
  const value = (optimizer as unknown as Partial<WithField>).learningRate;
  if (typeof value !== 'number') {
    throw new TypeError(`getLearningRate: optimizer ${optimizer.getClassName()} has no numeric learningRate`);
  }
  return value;
}

/**
 * Sets an optimizer's learning rate for the next steps. Uses `setLearningRate()` where the optimizer has one (tfjs
 * `sgd`/`momentum` cache −η in a tensor that must be rebuilt), else assigns the `learningRate` field ({@link AdamW}'s
 * validated setter, tfjs `adam`, `rmsprop`, …).
 *
 * @param optimizer - the optimizer to change.
 * @param learningRate - the new learning rate, finite and > 0.
 * @throws RangeError on an invalid learning rate; TypeError when the optimizer has no learning rate to set.
 *
 * @example
 * ```ts
 * const decision = plateau.update(validationLoss);
 * setLearningRate(optimizer, decision.learningRate);
 * ```
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  checkNumber('setLearningRate', 'learningRate', learningRate, { min: 0, minExclusive: true });
  const withSetter = optimizer as unknown as Partial<WithSetter>;
  if (typeof withSetter.setLearningRate === 'function') {
    withSetter.setLearningRate(learningRate);
    return;
  }
  getLearningRate(optimizer); // throws a TypeError when there is no field to set
  (optimizer as unknown as WithField).learningRate = learningRate;
}
