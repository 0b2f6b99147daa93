import * as tf from '@tensorflow/tfjs';
import {
  attentionBaseArgs,
  segmentsFromKwargs,
  type AttentionPoolingArgs,
  type AttentionPoolingOutput,
} from './attentionPooling.js';
import { asRaggedBatch, type BagBatch } from './bagBatch.js';
import { segmentSoftmax } from './segmentSoftmax.js';
import { segmentSum } from './segmentSum.js';

/** Constructor arguments (and serialised config) of {@link GatedAttentionPooling}: as {@link AttentionPoolingArgs}. */
export type GatedAttentionPoolingArgs = AttentionPoolingArgs;

/**
 * Gated attention MIL pooling (Ilse, Tomczak & Welling, ICML 2018, eq. 10):
 * `a_i = softmax_{i∈b}( wᵀ (tanh(V h_i + c) ⊙ sigmoid(U h_i + e)) )`, `z_b = Σ_{i∈b} a_i h_i`.
 *
 * Shape key: B bags, ΣN instances, D instance dimension, L = `units`. Weights: `V`, `U` [D, L], biases `c`, `e`
 * [L] (if `useBias`), `w` [L, 1]. The sigmoid gate lets the attention express non-linearities that tanh alone,
 * nearly linear around 0, cannot. Ragged batches, any B; per-bag softmax by {@link segmentSoftmax}.
 *
 * Use {@link GatedAttentionPooling.pool} for named outputs; as a tfjs layer, `apply(instances, { segments })`
 * returns `[output, attention]`. Registered for serialisation under `className` 'LymphomixGatedAttentionPooling'.
 *
 * @example
 * ```ts
 * const layer = new GatedAttentionPooling({ units: 64 });
 * const { output, attention } = layer.pool(batch); // [B, D], [ΣN]
 * ```
 */
export class GatedAttentionPooling extends tf.layers.Layer {
  /** Serialisation name. */
  static className = 'LymphomixGatedAttentionPooling';
  /** Hidden size L. */
  readonly units: number;
  /** Whether V h and U h have biases. */
  readonly useBias: boolean;
  /** Initialiser seed, if any. */
  readonly seed: number | undefined;
  private kernelV: tf.LayerVariable | null = null;
  private biasV: tf.LayerVariable | null = null;
  private kernelU: tf.LayerVariable | null = null;
  private biasU: tf.LayerVariable | null = null;
  private kernelW: tf.LayerVariable | null = null;

  constructor(args: GatedAttentionPoolingArgs = {}) {
    super(attentionBaseArgs(args, 'GatedAttentionPooling'));
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
      throw new Error(`GatedAttentionPooling: expected instances [ΣN, D], got shape [${shape.join(', ')}]`);
    }
    this.kernelV = this.addWeight('V', [dim, this.units], 'float32', this.initializer(0));
    this.kernelU = this.addWeight('U', [dim, this.units], 'float32', this.initializer(1));
    if (this.useBias) {
      this.biasV = this.addWeight('c', [this.units], 'float32', tf.initializers.zeros());
      this.biasU = this.addWeight('e', [this.units], 'float32', tf.initializers.zeros());
    }
    this.kernelW = this.addWeight('w', [this.units, 1], 'float32', this.initializer(2));
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
      const segments = segmentsFromKwargs(kwargs, 'GatedAttentionPooling', h.shape[0]);
      if (this.kernelV === null || this.kernelU === null || this.kernelW === null) {
        throw new Error('GatedAttentionPooling: layer is not built');
      }
      let hv = tf.matMul(h, this.kernelV.read()); // [ΣN, L]
      let hu = tf.matMul(h, this.kernelU.read()); // [ΣN, L]
      if (this.biasV !== null) hv = tf.add(hv, this.biasV.read()); // [ΣN, L]
      if (this.biasU !== null) hu = tf.add(hu, this.biasU.read()); // [ΣN, L]
      const gated = tf.mul(tf.tanh(hv), tf.sigmoid(hu)); // [ΣN, L]
      const scores = tf.squeeze(tf.matMul(gated, this.kernelW.read()), [1]) as tf.Tensor1D; // [ΣN]
      const attention = segmentSoftmax(scores, segments); // [ΣN]
      const output = segmentSum(tf.mul(h, tf.expandDims(attention, 1)) as tf.Tensor2D, segments); // [B, D]
      return [output, attention];
    });
  }

  /**
   * Pools a batch of bags.
   * @param batch - Ragged or padded batch with D matching the built layer; not disposed.
   * @returns New `output` [B, D] and `attention` [ΣN] tensors owned by the caller.
   */
  pool(batch: BagBatch): AttentionPoolingOutput {
    return tf.tidy(() => {
      const ragged = asRaggedBatch(batch, 'GatedAttentionPooling.pool');
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

tf.serialization.registerClass(GatedAttentionPooling);
