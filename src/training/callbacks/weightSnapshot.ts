import * as tf from '@tensorflow/tfjs';

/** Something whose weights can be read and written as a list: a `tf.LayersModel` (or any layer/container). */
export interface WeightHolder {
  getWeights(): tf.Tensor[];
  setWeights(weights: tf.Tensor[]): void;
}

/** Where weights come from and go back to: a list of `tf.Variable`s (custom loops) or a {@link WeightHolder}. */
export type WeightSource = readonly tf.Variable[] | WeightHolder;

function read(source: WeightSource): readonly tf.Tensor[] {
  return Array.isArray(source) ? source : (source as WeightHolder).getWeights();
}

/**
 * A frozen copy of a set of weights (for example the weights of the best epoch), restorable later.
 * Copies are cheap: tfjs tensors share data until a variable is re-assigned, which optimizers always do.
 * The copies are `tf.keep`-protected, so capturing inside `tf.tidy` is safe; call {@link WeightSnapshot.dispose}.
 *
 * @example
 * ```ts
 * const best = WeightSnapshot.capture(model);
 * // … more training …
 * best.restore(model);
 * best.dispose();
 * ```
 */
export class WeightSnapshot {
  private tensors: tf.Tensor[];

  private constructor(tensors: tf.Tensor[]) {
    this.tensors = tensors;
  }

  /**
   * Copies the current weights of `source`.
   *
   * @param source - variables or a model; not modified.
   * @returns a snapshot owning one tensor per weight, in the source's order.
   */
  static capture(source: WeightSource): WeightSnapshot {
    return new WeightSnapshot(read(source).map((w) => tf.keep(tf.clone(w))));
  }

  /** Number of weight tensors held (0 once disposed). */
  get size(): number {
    return this.tensors.length;
  }

  /** Whether {@link WeightSnapshot.dispose} has been called. */
  get isDisposed(): boolean {
    return this.tensors.length === 0 || this.tensors.some((t) => t.isDisposed);
  }

  /**
   * Writes the snapshot back into `target` (the same source it was captured from, or one with the same layout).
   * The snapshot stays valid and can be restored again.
   *
   * @param target - variables or a model with the same number, shapes and dtypes of weights.
   * @throws Error when the snapshot was disposed or the layouts differ.
   */
  restore(target: WeightSource): void {
    if (this.isDisposed) throw new Error('WeightSnapshot.restore: the snapshot has been disposed');
    const current = read(target);
    if (current.length !== this.tensors.length) {
      throw new Error(`WeightSnapshot.restore: expected ${this.tensors.length} weights, the target has ${current.length}`);
    }
    current.forEach((w, i) => {
      const saved = this.tensors[i] as tf.Tensor;
      if (!tf.util.arraysEqual(w.shape, saved.shape) || w.dtype !== saved.dtype) {
        throw new Error(
          `WeightSnapshot.restore: weight ${i} is ${w.dtype}[${w.shape.join(', ')}], ` +
            `the snapshot holds ${saved.dtype}[${saved.shape.join(', ')}]`,
        );
      }
    });
    if (Array.isArray(target)) {
      (target as readonly tf.Variable[]).forEach((v, i) => v.assign(this.tensors[i] as tf.Tensor));
    } else {
      (target as WeightHolder).setWeights(this.tensors);
    }
  }

  /** Frees the copied tensors. */
  dispose(): void {
    tf.dispose(this.tensors);
    this.tensors = [];
  }
}
