import * as tf from '@tensorflow/tfjs';
import { checkInteger } from '../core/index.js';

/** Constructor arguments (and serialised config) of {@link Standardize}. */
export interface StandardizeArgs {
  /** Number of features F (the last input dimension), an integer ≥ 1. Required. */
  readonly units: number;
  /** Layer name. Defaults to a unique tfjs name. */
  readonly name?: string;
}

/**
 * Feature standardisation as a layer: `y = (x − μ) / σ` per column, with μ and σ stored as non-trainable weights so
 * that a saved model carries the statistics fitted on its training data (as Keras' `Normalization` layer).
 *
 * Shape key: M rows, F features. Weights `mean` [F] (initially 0) and `scale` [F] (initially 1, always > 0); set
 * them with {@link Standardize.adapt}. Registered for serialisation under `className` 'LymphomixStandardize'.
 *
 * @example
 * ```ts
 * const layer = new Standardize({ units: 2 });
 * layer.adapt(Float32Array.of(1, 10, 3, 30), 2); // μ = [2, 20], σ = [1, 10]
 * layer.apply(tf.tensor2d([[2, 20]])); // [[0, 0]]
 * ```
 */
export class Standardize extends tf.layers.Layer {
  /** Serialisation name. */
  static className = 'LymphomixStandardize';
  /** Number of features F. */
  readonly units: number;
  private meanV: tf.LayerVariable | null = null;
  private scaleV: tf.LayerVariable | null = null;

  constructor(args: StandardizeArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    checkInteger('Standardize', 'units', args.units, { min: 1 });
    this.units = args.units;
    this.trainable = false;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const dim = shape[shape.length - 1];
    if (dim !== this.units) {
      throw new Error(`Standardize: expected last dimension ${this.units}, got shape [${shape.join(', ')}]`);
    }
    this.meanV = this.addWeight('mean', [this.units], 'float32', tf.initializers.zeros(), undefined, false);
    this.scaleV = this.addWeight('scale', [this.units], 'float32', tf.initializers.ones(), undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
  }

  /** `inputs`: [M, F] float32; returns the standardised [M, F]. */
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D; // [M, F]
      if (this.meanV === null || this.scaleV === null) throw new Error('Standardize: layer is not built');
      return tf.div(tf.sub(x, this.meanV.read()), this.scaleV.read()); // [M, F]
    });
  }

  /**
   * Maps standardised values of one column back: `x = y·σ_c + μ_c` (differentiable, for heads that predict a
   * standardised quantity). Call inside `tf.tidy`.
   * @param values - any shape, standardised values of column `column`.
   * @param column - Column index c in [0, F).
   * @returns `values·σ_c + μ_c`, same shape.
   */
  unstandardize(values: tf.Tensor, column: number): tf.Tensor {
    if (this.meanV === null || this.scaleV === null) throw new Error('Standardize: layer is not built');
    if (!Number.isInteger(column) || column < 0 || column >= this.units) {
      throw new Error(`Standardize.unstandardize: column must be an integer in [0, ${this.units}), got ${column}`);
    }
    const mean = tf.slice(this.meanV.read(), [column], [1]); // [1]
    const scale = tf.slice(this.scaleV.read(), [column], [1]); // [1]
    return tf.add(tf.mul(values, scale), mean);
  }

  /**
   * Fits μ and σ (population standard deviation) on `rows` and stores them; builds the layer if needed.
   * A constant column (σ below `1e-6`·max(1, |μ|)) gets σ = 1, so it maps to 0 instead of ±Infinity.
   *
   * @param data - [M, F] row-major values (M ≥ 1), finite.
   * @param rows - M, the number of rows.
   * @throws If the sizes disagree, M < 1, or a value is not finite.
   */
  adapt(data: Float32Array | readonly number[], rows: number): void {
    const f = this.units;
    if (!Number.isInteger(rows) || rows < 1 || data.length !== rows * f) {
      throw new Error(`Standardize.adapt: expected ${f} values per row and ≥ 1 row, got ${data.length} values for ${rows} rows`);
    }
    const mean = new Float64Array(f);
    const sq = new Float64Array(f);
    for (let i = 0; i < data.length; i++) {
      const v = data[i] as number;
      if (!Number.isFinite(v)) throw new Error(`Standardize.adapt: value at row ${Math.floor(i / f)}, column ${i % f} is not finite: ${v}`);
      mean[i % f] = (mean[i % f] as number) + v;
    }
    for (let c = 0; c < f; c++) mean[c] = (mean[c] as number) / rows;
    for (let i = 0; i < data.length; i++) {
      const d = (data[i] as number) - (mean[i % f] as number);
      sq[i % f] = (sq[i % f] as number) + d * d;
    }
    const scale = Float32Array.from(sq, (s, c) => {
      const sd = Math.sqrt(s / rows);
      return sd > 1e-6 * Math.max(1, Math.abs(mean[c] as number)) ? sd : 1;
    });
    this.setStatistics(Float32Array.from(mean), scale);
  }

  /**
   * Sets μ and σ directly.
   * @param mean - [F] finite.
   * @param scale - [F] finite, > 0.
   */
  setStatistics(mean: Float32Array, scale: Float32Array): void {
    if (mean.length !== this.units || scale.length !== this.units) {
      throw new Error(`Standardize.setStatistics: expected ${this.units} means and scales, got ${mean.length} and ${scale.length}`);
    }
    scale.forEach((s, c) => {
      if (!(s > 0 && Number.isFinite(s))) throw new Error(`Standardize.setStatistics: scale ${c} must be finite and > 0, got ${s}`);
    });
    if (!this.built) tf.tidy(() => void this.apply(tf.zeros([1, this.units]))); // builds through apply (marks the layer used)
    tf.tidy(() => {
      (this.meanV as tf.LayerVariable).write(tf.tensor1d(mean));
      (this.scaleV as tf.LayerVariable).write(tf.tensor1d(scale));
    });
  }

  /** Frees the statistics; a layer never built or used holds nothing to free. */
  override dispose(): ReturnType<tf.layers.Layer["dispose"]> {
    if (!this.built) return { refCountAfterDispose: 0, numDisposedVariables: 0 };
    return super.dispose();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units };
  }
}

tf.serialization.registerClass(Standardize);
