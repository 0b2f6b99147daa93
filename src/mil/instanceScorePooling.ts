import * as tf from '@tensorflow/tfjs';
import { segmentsFromKwargs } from './attentionPooling.js';
import { asRaggedBatch, type BagBatch } from './bagBatch.js';
import { BAG_POOLING_METHODS, BagPooling, type BagPoolingMethod } from './bagPooling.js';
import { checkInteger, checkNumber, checkOneOf, checkOptions } from '../core/index.js';

/** Constructor arguments (and serialised config) of {@link InstanceScorePooling}. */
export interface InstanceScorePoolingArgs {
  /** How a bag's instance scores are pooled. Defaults to `'mean'`. */
  readonly method?: BagPoolingMethod;
  /** `topKMean`: k ≥ 1. Defaults to `3`. */
  readonly k?: number;
  /** `logSumExp`: temperature T > 0. Defaults to `1`. */
  readonly temperature?: number;
  /** Seed of the Glorot-uniform initialiser of the scorer. Defaults to unseeded (random). */
  readonly seed?: number;
  /** Layer name. Defaults to a unique name from tfjs. */
  readonly name?: string;
  /** Whether the scorer's weights are trainable. Defaults to `true`. */
  readonly trainable?: boolean;
}

/** Output of {@link InstanceScorePooling.pool}. */
export interface InstanceScorePoolingOutput {
  /** [B, 1] float32 pooled score of each bag (a logit when the scores are trained as logits). */
  readonly output: tf.Tensor2D;
  /** [ΣN] float32 score of each instance: which instances drove the bag's score. */
  readonly scores: tf.Tensor1D;
}

/**
 * Instance-score pooling ("aggregation after prediction", the challenge report's future work; the per-cell expert
 * of docs/results.md as a layer): a linear scorer gives every instance a score sᵢ = hᵢᵀw + c, and the bag's output is
 * the pool of its instances' scores (mean, max, log-sum-exp or top-k mean), so the model is trained end to end on
 * bag labels while each instance keeps an interpretable score. With `mean` the bag score equals the scorer applied
 * to the mean embedding; `max` / `topKMean` / `logSumExp` let a few abnormal cells decide.
 *
 * Shape key: B bags, ΣN instances, D instance dimension.
 * Serialisable (`getConfig`, registered as `LymphomixInstanceScorePooling`); weights: kernel [D, 1], bias [1].
 *
 * @example
 * ```ts
 * const pooling = new InstanceScorePooling({ method: 'topKMean', k: 5, seed: 0 });
 * const { output, scores } = pooling.pool(batch); // [B, 1] bag logits, [ΣN] cell scores
 * ```
 */
export class InstanceScorePooling extends tf.layers.Layer {
  /** Serialisation name. */
  static className = 'LymphomixInstanceScorePooling';
  /** The pooling of the scores. */
  readonly method: BagPoolingMethod;
  /** Top-k k. */
  readonly k: number;
  /** LSE temperature. */
  readonly temperature: number;
  /** Initialiser seed, if any. */
  readonly seed: number | undefined;
  private readonly pooling: BagPooling;
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;

  /**
   * @param args - See {@link InstanceScorePoolingArgs}.
   * @throws {ArgumentError} naming `InstanceScorePooling` and the argument out of range.
   */
  constructor(args: InstanceScorePoolingArgs = {}) {
    checkOptions('InstanceScorePooling', args, 'args');
    super({ ...(args.name === undefined ? {} : { name: args.name }), ...(args.trainable === undefined ? {} : { trainable: args.trainable }) });
    this.method = checkOneOf('InstanceScorePooling', 'args.method', args.method ?? 'mean', BAG_POOLING_METHODS);
    this.k = checkInteger('InstanceScorePooling', 'args.k', args.k ?? 3, { min: 1 });
    this.temperature = checkNumber('InstanceScorePooling', 'args.temperature', args.temperature ?? 1, { min: 0, minExclusive: true });
    this.seed = args.seed === undefined ? undefined : checkInteger('InstanceScorePooling', 'args.seed', args.seed);
    this.pooling = new BagPooling({ method: this.method, k: this.k, temperature: this.temperature });
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const dim = shape[shape.length - 1];
    if (shape.length !== 2 || dim == null) throw new Error(`InstanceScorePooling: expected instances [ΣN, D], got shape [${shape.join(', ')}]`);
    const init = this.seed === undefined ? tf.initializers.glorotUniform({}) : tf.initializers.glorotUniform({ seed: this.seed });
    this.kernel = this.addWeight('kernel', [dim, 1], 'float32', init);
    this.bias = this.addWeight('bias', [1], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [
      [null, 1],
      [shape[0] ?? null],
    ];
  }

  /** tfjs entry point: `inputs` = instances [ΣN, D], `kwargs.segments` = bag structure; returns [output [B, 1], scores [ΣN]]. */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor[] {
    return tf.tidy(() => {
      const h = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D; // [ΣN, D]
      const segments = segmentsFromKwargs(kwargs, 'InstanceScorePooling', h.shape[0]);
      if (this.kernel === null || this.bias === null) throw new Error('InstanceScorePooling: layer is not built');
      const scores = tf.add(tf.matMul(h, this.kernel.read()), this.bias.read()) as tf.Tensor2D; // [ΣN, 1]
      const output = this.pooling.apply(scores, { segments }) as tf.Tensor2D; // [B, 1]
      return [output, tf.squeeze(scores, [1]) as tf.Tensor1D];
    });
  }

  /**
   * Scores the instances and pools the scores per bag.
   * @param batch - Ragged or padded batch; not disposed.
   * @returns New `output` [B, 1] and `scores` [ΣN] tensors owned by the caller (for a padded batch, the scores follow
   *   the ragged order of `paddedToRagged`).
   */
  pool(batch: BagBatch): InstanceScorePoolingOutput {
    return tf.tidy(() => {
      const ragged = asRaggedBatch(batch, 'InstanceScorePooling.pool');
      const [output, scores] = this.apply(ragged.instances, { segments: ragged }) as tf.Tensor[];
      return { output: output as tf.Tensor2D, scores: scores as tf.Tensor1D };
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      method: this.method,
      k: this.k,
      temperature: this.temperature,
      ...(this.seed === undefined ? {} : { seed: this.seed }),
    };
  }

  override getClassName(): string {
    return InstanceScorePooling.className;
  }
}

tf.serialization.registerClass(InstanceScorePooling);
