import * as tf from '@tensorflow/tfjs';
import { asRaggedBatch, type BagBatch } from './bagBatch.js';
import type { BagSegments } from './bagAssignmentMatrix.js';
import { segmentSoftmax } from './segmentSoftmax.js';
import { segmentSum } from './segmentSum.js';
import { checkInteger, checkOptions } from '../core/index.js';

/** Constructor arguments (and serialised config) of {@link AttentionPooling}. */
export interface AttentionPoolingArgs {
  /** Hidden size L of the attention network (V is [D, L], w is [L, 1]). Defaults to `128` (Ilse et al.). */
  readonly units?: number;
  /** Add a bias to V h (as the reference PyTorch code's `nn.Linear`). Defaults to `true`. */
  readonly useBias?: boolean;
  /** Seed of the Glorot-uniform initialisers, for reproducible weights. Defaults to unseeded (random). */
  readonly seed?: number;
  /** Layer name. Defaults to a unique name from tfjs. */
  readonly name?: string;
  /** Whether the weights are trainable. Defaults to `true`. */
  readonly trainable?: boolean;
}

/** Output of an attention pooling: bag embeddings and the instance weights. */
export interface AttentionPoolingOutput {
  /** [B, D] float32 bag embeddings z_b = Σ_{i∈b} a_i h_i. */
  readonly output: tf.Tensor2D;
  /** [ΣN] float32 attention weights, positive, summing to 1 within every bag. */
  readonly attention: tf.Tensor1D;
}

/** Checks `units` and returns the base-layer arguments (only the defined ones, for exactOptionalPropertyTypes). @internal */
export function attentionBaseArgs(args: AttentionPoolingArgs, className: string): { name?: string; trainable?: boolean } {
  checkOptions(className, args, 'args');
  checkInteger(className, 'args.units', args.units ?? 128, { min: 1 });
  const base: { name?: string; trainable?: boolean } = {};
  if (args.name !== undefined) base.name = args.name;
  if (args.trainable !== undefined) base.trainable = args.trainable;
  return base;
}

/** Reads the bag structure passed to `call` through `kwargs.segments`. @internal */
export function segmentsFromKwargs(kwargs: Record<string, unknown>, className: string, total: number): BagSegments {
  const segments = kwargs['segments'] as BagSegments | undefined;
  if (segments === undefined || !(segments.bagIds instanceof Int32Array)) {
    throw new Error(`${className}: call needs kwargs.segments (bagIds, bagSizes, numBags); use pool(batch)`);
  }
  if (segments.bagIds.length !== total) {
    throw new Error(`${className}: got ${segments.bagIds.length} bag ids for ${total} instances`);
  }
  return segments;
}

/**
 * Attention-based MIL pooling (Ilse, Tomczak & Welling, "Attention-based deep multiple instance learning",
 * ICML 2018): `a_i = softmax_{i∈b}( wᵀ tanh(V h_i + c) )`, `z_b = Σ_{i∈b} a_i h_i`.
 *
 * Shape key: B bags, ΣN instances, D instance dimension, L = `units`. Weights: `V` [D, L], `c` [L] (if
 * `useBias`), `w` [L, 1] (no bias: a constant shift does not change a softmax). Works on ragged batches (no
 * padding, any B); the per-bag softmax is {@link segmentSoftmax}.
 *
 * Use {@link AttentionPooling.pool} for named outputs. As a tfjs layer, `apply(instances, { segments })`
 * returns `[output, attention]`. Registered for serialisation under `className` 'LymphomixAttentionPooling'.
 *
 * @example
 * ```ts
 * const layer = new AttentionPooling({ units: 64 });
 * const { output, attention } = layer.pool(batch); // [B, D], [ΣN]
 * ```
 */
export class AttentionPooling extends tf.layers.Layer {
  /** Serialisation name. */
  static className = 'LymphomixAttentionPooling';
  /** Hidden size L. */
  readonly units: number;
  /** Whether V h has a bias. */
  readonly useBias: boolean;
  /** Initialiser seed, if any. */
  readonly seed: number | undefined;
  private kernelV: tf.LayerVariable | null = null;
  private biasV: tf.LayerVariable | null = null;
  private kernelW: tf.LayerVariable | null = null;

  constructor(args: AttentionPoolingArgs = {}) {
    super(attentionBaseArgs(args, 'AttentionPooling'));
    this.units = args.units ?? 128;
    this.useBias = args.useBias ?? true;
    this.seed = args.seed;
  }

  private initializer(offset: number): ReturnType<typeof tf.initializers.zeros> {
    return this.seed === undefined
      ? tf.initializers.glorotUniform({})
      : tf.initializers.glorotUniform({ seed: this.seed + offset });
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const dim = shape[shape.length - 1];
    if (shape.length !== 2 || dim == null) {
      throw new Error(`AttentionPooling: expected instances [ΣN, D], got shape [${shape.join(', ')}]`);
    }
    this.kernelV = this.addWeight('V', [dim, this.units], 'float32', this.initializer(0));
    if (this.useBias) this.biasV = this.addWeight('c', [this.units], 'float32', tf.initializers.zeros());
    this.kernelW = this.addWeight('w', [this.units, 1], 'float32', this.initializer(1));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [
      [null, shape[1] ?? null],
      [shape[0] ?? null],
    ];
  }

  /** tfjs entry point: `inputs` = instances [ΣN, D], `kwargs.segments` = bag structure; returns [output, attention]. */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor[] {
    return tf.tidy(() => {
      const h = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D; // [ΣN, D]
      const segments = segmentsFromKwargs(kwargs, 'AttentionPooling', h.shape[0]);
      if (this.kernelV === null || this.kernelW === null) {
        throw new Error('AttentionPooling: layer is not built');
      }
      let hidden = tf.matMul(h, this.kernelV.read()); // [ΣN, L]
      if (this.biasV !== null) hidden = tf.add(hidden, this.biasV.read()); // [ΣN, L]
      const scores = tf.squeeze(tf.matMul(tf.tanh(hidden), this.kernelW.read()), [1]) as tf.Tensor1D; // [ΣN]
      const attention = segmentSoftmax(scores, segments); // [ΣN]
      const output = segmentSum(tf.mul(h, tf.expandDims(attention, 1)) as tf.Tensor2D, segments); // [B, D]
      return [output, attention];
    });
  }

  /**
   * Pools a batch of bags.
   * @param batch - Ragged or padded batch with D matching the built layer; not disposed.
   * @returns New `output` [B, D] and `attention` [ΣN] tensors owned by the caller (for a padded batch, attention
   *   follows the ragged order of `paddedToRagged`: bag by bag, slots in order).
   */
  pool(batch: BagBatch): AttentionPoolingOutput {
    return tf.tidy(() => {
      const ragged = asRaggedBatch(batch, 'AttentionPooling.pool');
      const [output, attention] = this.apply(ragged.instances, { segments: ragged }) as tf.Tensor[];
      return { output: output as tf.Tensor2D, attention: attention as tf.Tensor1D };
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = { units: this.units, useBias: this.useBias };
    if (this.seed !== undefined) config['seed'] = this.seed;
    return { ...super.getConfig(), ...config };
  }
}

tf.serialization.registerClass(AttentionPooling);
