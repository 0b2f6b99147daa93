import * as tf from '@tensorflow/tfjs';
import { checkInteger, checkOneOf } from '../core/index.js';

/** How {@link MixtureGate} turns its scores into expert weights. */
export type GateMode = 'sigmoid' | 'softmax';

/** Constructor arguments (and serialised config) of {@link MixtureGate}. */
export interface MixtureGateArgs {
  /**
   * `'sigmoid'`: two experts, π = σ(wᵀg + b) for the first and 1 − π for the second (the challenge report's gate);
   * `'softmax'`: E ≥ 2 experts, π = softmax(Wᵀg + b) (the parent paper's variant). Defaults to `'sigmoid'`.
   */
  readonly mode?: GateMode;
  /** Number of experts E, an integer ≥ 2 (exactly 2 for `'sigmoid'`). Defaults to `2`. */
  readonly experts?: number;
  /** Seed of the Glorot-uniform kernel initialiser. Defaults to unseeded. */
  readonly seed?: number;
  /** Layer name. Defaults to a unique tfjs name. */
  readonly name?: string;
}

/** Output of {@link MixtureGate.mix}. */
export interface MixtureGateOutput {
  /** [B] float32 logit of the mixed probability, log p − log(1 − p). */
  readonly logit: tf.Tensor1D;
  /** [B, E] float32 expert weights π (positive, each row sums to 1). */
  readonly weights: tf.Tensor2D;
}

/**
 * Gated mixture of binary experts: a linear gate on control features g gives weights π over E experts, and the
 * experts' probabilities are mixed, `p = Σ_e π_e σ(ℓ_e)`; for two experts `p = π·σ(ℓ_image) + (1 − π)·σ(ℓ_scalar)`
 * as the challenge report writes it (probabilities are mixed, not logits).
 *
 * The output is the logit of p, computed stably in log space so that a BCE-with-logits loss on it is the exact BCE
 * of p: since Σ π_e = 1, `log p = logsumexp_e(log π_e + log σ(ℓ_e))` and
 * `log(1 − p) = logsumexp_e(log π_e + log σ(−ℓ_e))`; their difference is the logit. `log π` is a log-softmax of
 * the scores (for `'sigmoid'`, of `[s, 0]`, which gives log σ(s) and log σ(−s)), so nothing under- or overflows.
 *
 * Shape key: B patients, G control features, E experts. Weights: `kernel` [G, 1] (sigmoid) or [G, E] (softmax),
 * `bias` [1] or [E]. As a tfjs layer, `apply([g, logits])` returns `[logit, weights]`. Registered for
 * serialisation under `className` 'LymphomixMixtureGate'.
 *
 * @example
 * ```ts
 * const gate = new MixtureGate({ mode: 'sigmoid' });
 * const { logit, weights } = gate.mix(controls, tf.stack([imageLogit, scalarLogit], 1) as tf.Tensor2D);
 * // logit [B], weights [B, 2] (column 0 is π)
 * ```
 */
export class MixtureGate extends tf.layers.Layer {
  /** Serialisation name. */
  static className = 'LymphomixMixtureGate';
  /** Gate mode. */
  readonly mode: GateMode;
  /** Number of experts E. */
  readonly experts: number;
  /** Initialiser seed, if any. */
  readonly seed: number | undefined;
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;

  constructor(args: MixtureGateArgs = {}) {
    super(args.name === undefined ? {} : { name: args.name });
    const mode = args.mode ?? 'sigmoid';
    const experts = args.experts ?? 2;
    checkOneOf('MixtureGate', 'mode', mode, ['sigmoid', 'softmax'] as const);
    if (mode === 'sigmoid') checkInteger('MixtureGate', 'experts', experts, { min: 2, max: 2 });
    else checkInteger('MixtureGate', 'experts', experts, { min: 2 });
    this.mode = mode;
    this.experts = experts;
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shapes = inputShape as tf.Shape[];
    const g = shapes[0]?.[1];
    if (!Array.isArray(shapes[0]) || shapes.length !== 2 || g == null || shapes[0].length !== 2) {
      throw new Error('MixtureGate: expected inputs [controls [B, G], logits [B, E]]');
    }
    const out = this.mode === 'sigmoid' ? 1 : this.experts;
    const init = this.seed === undefined ? tf.initializers.glorotUniform({}) : tf.initializers.glorotUniform({ seed: this.seed });
    this.kernel = this.addWeight('kernel', [g, out], 'float32', init);
    this.bias = this.addWeight('bias', [out], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape[] {
    const b = (inputShape as tf.Shape[])[0]?.[0] ?? null;
    return [[b], [b, this.experts]];
  }

  /** tfjs entry point: `inputs` = [controls [B, G], logits [B, E]]; returns `[logit [B], weights [B, E]]`. */
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
    return tf.tidy(() => {
      if (!Array.isArray(inputs) || inputs.length !== 2) {
        throw new Error('MixtureGate: expected inputs [controls [B, G], logits [B, E]]');
      }
      const [g, logits] = inputs as [tf.Tensor2D, tf.Tensor2D];
      if (logits.rank !== 2 || logits.shape[1] !== this.experts || g.shape[0] !== logits.shape[0]) {
        throw new Error(
          `MixtureGate: expected logits [${g.shape[0]}, ${this.experts}], got [${logits.shape.join(', ')}]`,
        );
      }
      if (this.kernel === null || this.bias === null) throw new Error('MixtureGate: layer is not built');
      const scores = tf.add(tf.matMul(g, this.kernel.read()), this.bias.read()) as tf.Tensor2D; // [B, 1] or [B, E]
      const full = this.mode === 'sigmoid' ? tf.concat([scores, tf.zerosLike(scores)], 1) : scores; // [B, E]
      const logWeights = tf.logSoftmax(full, 1); // [B, E]
      // log σ(ℓ) = −softplus(−ℓ) and log σ(−ℓ) = −softplus(ℓ); tf.logSigmoid is avoided: its custom gradient reads
      // an intermediate that tf.tidy has already freed when differentiated through a layer call.
      const logP = tf.logSumExp(tf.sub(logWeights, tf.softplus(tf.neg(logits))), 1); // [B]
      const logQ = tf.logSumExp(tf.sub(logWeights, tf.softplus(logits)), 1); // [B]
      return [tf.sub(logP, logQ), tf.exp(logWeights)];
    });
  }

  /**
   * Mixes expert logits.
   * @param controls - [B, G] float32 control features g; not disposed.
   * @param logits - [B, E] float32 expert logits ℓ; not disposed.
   * @returns New tensors owned by the caller, see {@link MixtureGateOutput}.
   */
  mix(controls: tf.Tensor2D, logits: tf.Tensor2D): MixtureGateOutput {
    return tf.tidy(() => {
      const [logit, weights] = this.apply([controls, logits]) as tf.Tensor[];
      return { logit: logit as tf.Tensor1D, weights: weights as tf.Tensor2D };
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = { mode: this.mode, experts: this.experts };
    if (this.seed !== undefined) config['seed'] = this.seed;
    return { ...super.getConfig(), ...config };
  }
}

tf.serialization.registerClass(MixtureGate);
