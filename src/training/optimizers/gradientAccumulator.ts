import * as tf from '@tensorflow/tfjs';
import { checkInteger, checkOptions } from '../../core/index.js';

/** Options of {@link GradientAccumulator}. */
export interface GradientAccumulatorOptions {
  /**
   * Number k of micro-batches per optimizer step, an integer ≥ 1 (1 applies every gradient at once). Required: the
   * report simulates a batch of `bs` patients with batch size 1 and k = bs.
   */
  steps: number;
}

/** What {@link GradientAccumulator.step} returns. */
export interface AccumulatorStep {
  /** The micro-batch loss; the caller disposes it. */
  value: tf.Scalar;
  /** Whether this micro-batch completed k and the optimizer was stepped. */
  applied: boolean;
}

/**
 * Gradient accumulation: sums the gradients of k micro-batches, then applies their mean with the wrapped optimizer,
 * which simulates a batch k times larger (the report's workaround for bags of different sizes, batch size 1).
 * The mean (not the sum) keeps the learning rate meaningful; it assumes micro-batch losses are means over equally
 * sized micro-batches. A variable missing from some micro-batch's gradients counts as a zero gradient there.
 *
 * The running sums are kept tensors owned by the accumulator: call {@link GradientAccumulator.dispose} (or
 * `reset()`) when done. Gradients passed to {@link GradientAccumulator.accumulate} are read, not disposed.
 *
 * @example
 * ```ts
 * const accumulator = new GradientAccumulator(new AdamW(), { steps: 8 });
 * for (const bag of bags) {
 *   const { value } = accumulator.step(() => lossOf(bag));
 *   value.dispose();
 * }
 * accumulator.flush(); // apply a last, partial group
 * accumulator.dispose();
 * ```
 */
export class GradientAccumulator {
  /** The optimizer stepped every k micro-batches. */
  readonly optimizer: tf.Optimizer;
  /** Micro-batches per step. */
  readonly steps: number;
  private sums = new Map<string, tf.Tensor>();
  private count_ = 0;

  /**
   * @param optimizer - any `tf.Optimizer` (for example {@link AdamW}); not disposed by the accumulator.
   * @param options - see {@link GradientAccumulatorOptions}.
   * @throws {ArgumentError} when `steps` is not an integer ≥ 1.
   */
  constructor(optimizer: tf.Optimizer, options: GradientAccumulatorOptions) {
    checkOptions('GradientAccumulator', options);
    checkInteger('GradientAccumulator', 'steps', options.steps, { min: 1 });
    this.optimizer = optimizer;
    this.steps = options.steps;
  }

  /** Number of micro-batches accumulated since the last optimizer step, in [0, k). */
  get count(): number {
    return this.count_;
  }

  /**
   * Adds one micro-batch's gradients; after the k-th, applies the mean and resets.
   *
   * @param gradients - gradients keyed by variable name, e.g. `tf.variableGrads(f).grads`; not disposed.
   * @returns true when the optimizer was stepped.
   */
  accumulate(gradients: tf.NamedTensorMap): boolean {
    for (const [name, gradient] of Object.entries(gradients)) {
      if (gradient == null) continue;
      const previous = this.sums.get(name);
      if (previous !== undefined && !tf.util.arraysEqual(previous.shape, gradient.shape)) {
        throw new RangeError(
          `GradientAccumulator.accumulate: gradient '${name}' has shape [${gradient.shape.join(', ')}], ` +
            `expected [${previous.shape.join(', ')}]`,
        );
      }
      const sum = tf.keep(previous === undefined ? tf.clone(gradient) : tf.add(previous, gradient));
      previous?.dispose();
      this.sums.set(name, sum);
    }
    this.count_++;
    if (this.count_ >= this.steps) {
      this.flush();
      return true;
    }
    return false;
  }

  /**
   * Computes the gradients of `f` with respect to the trainable variables (or `varList`) and accumulates them.
   *
   * @param f - returns the micro-batch loss, a scalar.
   * @param varList - variables to differentiate; defaults to all trainable variables.
   * @returns the loss (caller disposes) and whether the optimizer was stepped.
   */
  step(f: () => tf.Scalar, varList?: tf.Variable[]): AccumulatorStep {
    const { value, grads } = tf.variableGrads(f, varList);
    try {
      return { value, applied: this.accumulate(grads) };
    } catch (error) {
      value.dispose();
      throw error;
    } finally {
      tf.dispose(grads);
    }
  }

  /**
   * Applies the mean of what has been accumulated so far (fewer than k micro-batches at the end of an epoch), then
   * resets. Does nothing when nothing is accumulated.
   *
   * @returns true when the optimizer was stepped.
   */
  flush(): boolean {
    if (this.count_ === 0) return false;
    const count = this.count_;
    tf.tidy(() => {
      const means: tf.NamedTensorMap = {};
      for (const [name, sum] of this.sums) means[name] = tf.div(sum, count);
      this.optimizer.applyGradients(means);
    });
    this.reset();
    return true;
  }

  /** Drops the accumulated gradients without stepping. */
  reset(): void {
    for (const sum of this.sums.values()) sum.dispose();
    this.sums.clear();
    this.count_ = 0;
  }

  /** Frees the accumulated gradients (same as `reset`); the optimizer is not disposed. */
  dispose(): void {
    this.reset();
  }
}
