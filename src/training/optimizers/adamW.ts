import * as tf from '@tensorflow/tfjs';
import { ArgumentError } from '../../core/index.js';

/** Options of {@link AdamW}; all are saved by `getConfig()`. */
export interface AdamWOptions {
  /** Step size η, finite and > 0; settable later through {@link AdamW.learningRate} (schedules). Defaults to 1e-3. */
  learningRate?: number;
  /** Decay rate of the first-moment estimate, in [0, 1). Defaults to 0.9. */
  beta1?: number;
  /** Decay rate of the second-moment estimate, in [0, 1). Defaults to 0.999. */
  beta2?: number;
  /**
   * Added to √v̂ in the denominator, finite and > 0. Defaults to 1e-7, tfjs's float32 backend epsilon and the value
   * `tf.train.adam` uses on the cpu backend (PyTorch uses 1e-8).
   */
  epsilon?: number;
  /**
   * Decoupled weight decay λ, finite and ≥ 0: each step multiplies every variable by (1 − η·λ) before the Adam
   * update, as PyTorch's `torch.optim.AdamW` (the decay follows learning-rate schedules). 0 gives plain Adam.
   * Defaults to 0.01 (PyTorch's default, the "default hyperparameters" of the report).
   */
  weightDecay?: number;
}

/** A tensor with the name of the variable it belongs to, as tfjs optimizers exchange them. */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

interface Moments {
  readonly m: tf.Variable;
  readonly v: tf.Variable;
}

function checkRange(name: string, value: number, ok: boolean, expected: string): void {
  if (!ok) throw new ArgumentError('AdamW', name, expected, value);
}

/**
 * Adam with decoupled weight decay (AdamW, Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR 2019),
 * which tfjs does not provide. For every variable θ with gradient g at step t = 1, 2, …:
 *
 *   θ ← θ·(1 − η·λ)                       (decoupled decay, not added to g, so Adam's scaling does not touch it)
 *   m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²
 *   θ ← θ − η·(m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
 *
 * With λ = 0 this is exactly `tf.train.adam(η, β₁, β₂, ε)`. A `tf.Optimizer`: usable with `minimize`,
 * `applyGradients` and `model.compile({ optimizer: new AdamW() })`; registered with `tf.serialization` under
 * `'AdamW'` so saved models reload it; `getWeights`/`setWeights` save and restore the step count and the moments
 * (checkpoints). Moments are keyed by variable name and created on a variable's first non-null gradient (restored
 * moments are matched by name, else by position as tfjs does, so a reloaded model resumes); variables whose gradient
 * is null are left untouched (no decay either). Only backend-neutral ops are used.
 * Call `dispose()` to free the moment variables.
 *
 * @example
 * ```ts
 * const optimizer = new AdamW({ learningRate: 1e-3, weightDecay: 0.01 });
 * optimizer.minimize(() => loss(model, batch));
 * optimizer.learningRate = 1e-4; // e.g. from ReduceLROnPlateau
 * ```
 */
export class AdamW extends tf.Optimizer {
  /** Name under which the class is registered for (de)serialization. */
  static get className(): string {
    return 'AdamW';
  }

  private learningRate_: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  private moments = new Map<string, Moments>();
  /** Variable names of the moments restored by setWeights, by position, until each is claimed. */
  private restoredOrder: (string | undefined)[] = [];

  /**
   * @param options - see {@link AdamWOptions}.
   * @throws RangeError when a hyper-parameter is out of range.
   */
  constructor(options: AdamWOptions = {}) {
    super();
    const { learningRate = 1e-3, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7, weightDecay = 0.01 } = options;
    checkRange('learningRate', learningRate, Number.isFinite(learningRate) && learningRate > 0, 'a finite number > 0');
    checkRange('beta1', beta1, beta1 >= 0 && beta1 < 1, 'a number ≥ 0 and < 1');
    checkRange('beta2', beta2, beta2 >= 0 && beta2 < 1, 'a number ≥ 0 and < 1');
    checkRange('epsilon', epsilon, Number.isFinite(epsilon) && epsilon > 0, 'a finite number > 0');
    checkRange('weightDecay', weightDecay, Number.isFinite(weightDecay) && weightDecay >= 0, 'a finite number ≥ 0');
    this.learningRate_ = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
  }

  /** Current step size η (finite, > 0). Setting it takes effect at the next step; the weight decay scales with it. */
  get learningRate(): number {
    return this.learningRate_;
  }

  set learningRate(value: number) {
    checkRange('learningRate', value, Number.isFinite(value) && value > 0, 'a finite number > 0');
    this.learningRate_ = value;
  }

  /**
   * Applies one AdamW step.
   *
   * @param variableGradients - gradients keyed by variable name (as from `tf.variableGrads`), or a list of
   *   `{ name, tensor }`; each has its variable's shape. Not disposed. Null entries are skipped.
   * @throws Error when a name does not belong to a registered variable.
   */
  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const entries: [string, tf.Tensor | null | undefined][] = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor])
      : Object.entries(variableGradients);
    const registered = tf.engine().registeredVariables;
    // Check every name before touching anything, so that a bad entry cannot leave a half-applied step.
    for (const [name, gradient] of entries) {
      if (gradient != null && registered[name] === undefined) {
        throw new Error(`AdamW.applyGradients: no registered variable named '${name}'`);
      }
    }
    const t = this.iterations + 1;
    // Bias corrections in float64 on the CPU: (1 − βᵗ) is a plain number, nothing to keep on the device.
    const correction1 = 1 - this.beta1 ** t;
    const correction2 = 1 - this.beta2 ** t;
    const lr = this.learningRate_;
    const currentNames = new Set(entries.map(([name]) => name));
    tf.tidy(() => {
      entries.forEach(([name, gradient], index) => {
        if (gradient == null) return;
        const variable = registered[name] as tf.Variable;
        const { m, v } = this.momentsFor(name, variable, index, currentNames);
        const newM = tf.add(tf.mul(m, this.beta1), tf.mul(gradient, 1 - this.beta1));
        const newV = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2));
        m.assign(newM);
        v.assign(newV);
        const step = tf.div(tf.div(newM, correction1), tf.add(tf.sqrt(tf.div(newV, correction2)), this.epsilon));
        const decayed = this.weightDecay === 0 ? variable : tf.mul(variable, 1 - lr * this.weightDecay);
        variable.assign(tf.sub(decayed, tf.mul(step, lr)));
      });
    });
    this.incrementIterations();
  }

  /**
   * Moments of `name`. A variable seen for the first time takes over the restored moments at the same position
   * (tfjs's own optimizers match by position), provided their variable is not among the current gradients and the
   * shapes agree: a reloaded model's variables get new unique names ('kernel' → 'kernel_1'), and its optimizer state
   * must still apply. Otherwise the moments start at zero.
   */
  private momentsFor(name: string, variable: tf.Variable, index: number, currentNames: ReadonlySet<string>): Moments {
    let moments = this.moments.get(name);
    const saved = this.restoredOrder[index];
    if (moments === undefined && saved !== undefined && !currentNames.has(saved)) {
      const candidate = this.moments.get(saved);
      if (candidate !== undefined && tf.util.arraysEqual(candidate.m.shape, variable.shape)) {
        // rename in place, keeping the order getWeights() reports
        this.moments = new Map([...this.moments].map(([key, value]) => [key === saved ? name : key, value]));
        moments = candidate;
      }
    }
    if (saved !== undefined && (saved === name || moments !== undefined)) this.restoredOrder[index] = undefined;
    if (moments === undefined) {
      moments = tf.tidy(() => ({
        m: tf.zerosLike(variable).variable(false),
        v: tf.zerosLike(variable).variable(false),
      }));
      this.moments.set(name, moments);
    }
    return moments;
  }

  /** Frees the moment variables. The optimizer can still be used: moments restart from zero. */
  override dispose(): void {
    for (const { m, v } of this.moments.values()) {
      m.dispose();
      v.dispose();
    }
    this.moments.clear();
    this.restoredOrder = [];
  }

  /**
   * Optimizer state for checkpoints, in tfjs Adam's layout: `[iter, <var>/m…, <var>/v…]`.
   * The moment tensors are the live moment variables (read or clone them before the next step); the 'iter' scalar
   * is new and owned by the caller.
   *
   * @returns the step count (int32 scalar named 'iter') then the first and second moments.
   */
  override async getWeights(): Promise<NamedTensor[]> {
    const names = [...this.moments.keys()];
    const firsts = names.map((name) => ({ name: `${name}/m`, tensor: (this.moments.get(name) as Moments).m }));
    const seconds = names.map((name) => ({ name: `${name}/v`, tensor: (this.moments.get(name) as Moments).v }));
    return [await this.saveIterations(), ...firsts, ...seconds];
  }

  /**
   * Restores a state saved by {@link AdamW.getWeights} (same layout); replaces and frees the current moments.
   * The given tensors are copied, not taken over.
   *
   * @param weightValues - `[iter, <var>/m…, <var>/v…]`.
   * @throws Error when the moments do not come in matching `/m`, `/v` pairs.
   */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    const half = rest.length / 2;
    if (!Number.isInteger(half)) {
      throw new Error(`AdamW.setWeights: expected pairs of /m and /v moments, got ${rest.length} tensors`);
    }
    const restored = new Map<string, Moments>();
    for (let i = 0; i < half; i++) {
      const first = rest[i] as NamedTensor;
      const second = rest[i + half] as NamedTensor;
      const name = first.name.replace(/\/m$/, '');
      if (!first.name.endsWith('/m') || second.name !== `${name}/v`) {
        throw new Error(`AdamW.setWeights: expected '${name}/m' and '${name}/v', got '${first.name}' and '${second.name}'`);
      }
      restored.set(name, { m: first.tensor.variable(false), v: second.tensor.variable(false) });
    }
    this.dispose();
    this.moments = restored;
    this.restoredOrder = [...restored.keys()];
  }

  /** @returns the hyper-parameters (current learning rate included), for `tf.serialization`. */
  getConfig(): tf.serialization.ConfigDict {
    return {
      learningRate: this.learningRate_,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      weightDecay: this.weightDecay,
    };
  }

  /**
   * Rebuilds an optimizer from {@link AdamW.getConfig}'s output (used by `tf.serialization`).
   *
   * @param cls - the class to build.
   * @param config - the saved hyper-parameters.
   */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config as AdamWOptions);
  }
}

tf.serialization.registerClass(AdamW);
