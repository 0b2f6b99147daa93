import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkArray, checkBoolean, checkInteger, checkOneOf, checkOptions, deriveSeed } from '../core/index.js';
import { avgPool2x2 } from './avgPool2x2.js';
import { CONV3X3_METHODS, conv3x3, type Conv3x3Method } from './conv3x3.js';

/** Configuration of a {@link CropCnn}. */
export interface CropCnnConfig {
  /** Side S of the square input crops, a multiple of 2^(number of conv blocks). Defaults to `48`. */
  readonly size?: number;
  /** Output channels of each 3×3 conv block (conv → ReLU → 2×2 average pooling). Defaults to `[8, 16, 32]`. */
  readonly channels?: readonly number[];
  /** Add the lymphocyte-count regression head on the bag embedding (MultiTask; OneTask without). Defaults to `true`. */
  readonly multitask?: boolean;
  /** Add a linear term on the standardised metadata (age, log count) to the final logit. Defaults to `true`. */
  readonly metadata?: boolean;
  /** Freeze the conv blocks at their random initial weights (the random-feature control): only the heads train. Defaults to `false`. */
  readonly frozenBackbone?: boolean;
  /** Seed of the initial weights. Defaults to `0`. */
  readonly seed?: number;
  /**
   * The kernels the conv blocks run (see `conv3x3` and `avgPool2x2`): `'conv2d'` (FusedConv2D forward with a custom
   * gradient made of Conv2D and transposes; AvgPool with a custom gradient) or `'im2col'` (the first implementation:
   * pad, nine slices, concat and matMul per convolution, reshape and mean for pooling; on wasm about 9× slower per
   * training step and 15–18× per forward pass, see docs/backends.md). Same values up to float rounding, same weights.
   * Defaults to `'conv2d'`.
   */
  readonly implementation?: Conv3x3Method;
}

/** A {@link CropCnnConfig} with its defaults filled in. */
export type ResolvedCropCnnConfig = { readonly [K in keyof CropCnnConfig]-?: Exclude<CropCnnConfig[K], undefined> };

/** Tensors of one forward pass ({@link CropCnn.call}), owned by the caller. */
export interface CropCnnOutput {
  /** [B] logit of the final probability (image expert + metadata term). */
  readonly logit: tf.Tensor1D;
  /** [B] logit of the image expert alone. */
  readonly imageLogit: tf.Tensor1D;
  /** [B] predicted standardised log(1 + count), `null` without the multitask head. */
  readonly logLymphCount: tf.Tensor1D | null;
}

const FN = 'CropCnn';

/**
 * Fills in and checks a {@link CropCnnConfig}.
 * @param config - The configuration.
 * @returns The resolved configuration.
 * @throws {ArgumentError} naming `CropCnn` and the field out of range.
 */
export function resolveCropCnnConfig(config: CropCnnConfig = {}): ResolvedCropCnnConfig {
  checkOptions(FN, config, 'config');
  const channels = [...checkArray<number>(FN, 'config.channels', config.channels ?? [8, 16, 32], { minLength: 1 })];
  channels.forEach((c, i) => checkInteger(FN, `config.channels[${i}]`, c, { min: 1 }));
  const size = checkInteger(FN, 'config.size', config.size ?? 48, { min: 2 ** channels.length });
  if (size % 2 ** channels.length !== 0) throw new ArgumentError(FN, 'config.size', `a multiple of ${2 ** channels.length} (one halving per block)`, size);
  return {
    size,
    channels,
    multitask: checkBoolean(FN, 'config.multitask', config.multitask ?? true),
    metadata: checkBoolean(FN, 'config.metadata', config.metadata ?? true),
    frozenBackbone: checkBoolean(FN, 'config.frozenBackbone', config.frozenBackbone ?? false),
    seed: checkInteger(FN, 'config.seed', config.seed ?? 0),
    implementation: checkOneOf(FN, 'config.implementation', config.implementation ?? 'conv2d', CONV3X3_METHODS),
  };
}

/**
 * A small CNN trained from scratch on nucleus-centred crops (see `nucleusCrop`), as the image expert of a
 * multi-instance model: each crop → conv blocks (3×3 conv, ReLU, 2×2 average pooling) → global average → instance
 * embedding [E]; a patient's embeddings are averaged (mean pooling) → bag embedding; a linear head gives the image
 * expert's logit, an optional linear term on the standardised metadata is added for the final logit (the experts
 * combined by concatenation, no gate), and an optional head regresses the standardised log count (MultiTask).
 *
 * Shape key: N crops of S × S × 3, B patients, E = last channel count. Only native kernels in training (see
 * `conv3x3`): no CPU fallback kernel on wasm. Owns tf.Variables: call `dispose()`.
 *
 * @example
 * ```ts
 * const cnn = new CropCnn({ size: 48, multitask: true });
 * const out = cnn.call(crops, assignment, metadata); // crops [N, 48, 48, 3], assignment [B, N], metadata [B, 2]
 * ```
 */
export class CropCnn {
  /** The resolved configuration. */
  readonly config: ResolvedCropCnnConfig;
  private readonly vars = new Map<string, tf.Variable>();
  private disposed = false;

  /**
   * @param config - See {@link CropCnnConfig}.
   * @throws {ArgumentError} when the configuration is invalid.
   */
  constructor(config: CropCnnConfig = {}) {
    this.config = resolveCropCnnConfig(config);
    const c = this.config;
    let k = 0;
    const add = (name: string, shape: number[], std: number, trainable: boolean): void => {
      const init = std === 0 ? tf.zeros(shape) : tf.randomNormal(shape, 0, std, 'float32', deriveSeed(c.seed, k++));
      this.vars.set(name, tf.variable(init, trainable, `cropcnn_${name}_${c.seed}_${Math.random().toString(36).slice(2)}`));
      init.dispose();
    };
    let inC = 3;
    c.channels.forEach((outC, i) => {
      add(`conv${i}/kernel`, [9 * inC, outC], Math.sqrt(2 / (9 * inC)), !c.frozenBackbone); // He initialisation
      add(`conv${i}/bias`, [outC], 0, !c.frozenBackbone);
      inC = outC;
    });
    add('image/kernel', [inC, 1], Math.sqrt(1 / inC), true);
    add('image/bias', [1], 0, true);
    if (c.metadata) add('metadata/kernel', [2, 1], Math.sqrt(1 / 2), true);
    if (c.multitask) {
      add('count/kernel', [inC, 1], Math.sqrt(1 / inC), true);
      add('count/bias', [1], 0, true);
    }
  }

  private v<T extends tf.Tensor>(name: string): T {
    const variable = this.vars.get(name);
    if (variable === undefined) throw new Error(`CropCnn: no weight '${name}'`);
    return variable as unknown as T;
  }

  /** Width E of the instance embedding. */
  get embeddingDim(): number {
    return this.config.channels[this.config.channels.length - 1]!;
  }

  /** The variables an optimizer updates (the heads only with `frozenBackbone`). */
  get trainableVariables(): tf.Variable[] {
    return [...this.vars.values()].filter((v) => v.trainable);
  }

  /** Every weight by name (`conv0/kernel`, …, `image/kernel`, `metadata/kernel`, `count/kernel`), not copies. */
  namedWeights(): ReadonlyMap<string, tf.Variable> {
    return this.vars;
  }

  /**
   * Instance embeddings of crops.
   * @param crops - [N, S, S, 3] float32 in [0, 1] (not disposed).
   * @returns [N, E] float32, a new tensor.
   */
  embed(crops: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      const s = this.config.size;
      if (crops.rank !== 4 || crops.shape[1] !== s || crops.shape[2] !== s || crops.shape[3] !== 3) {
        throw new ArgumentError('CropCnn.embed', 'crops', `[N, ${s}, ${s}, 3]`, `[${crops.shape.join(', ')}]`);
      }
      let x = tf.div(tf.sub(crops, 0.5), 0.25) as tf.Tensor4D; // [N, S, S, 3], roughly zero-centred
      const method = this.config.implementation;
      this.config.channels.forEach((_, i) => {
        // The first block's input is data: no gradient is computed for it.
        const y = conv3x3(x, this.v(`conv${i}/kernel`), this.v(`conv${i}/bias`), { method, relu: true, inputGradient: i > 0 }); // [N, S/2^i, …, C_i]
        x = avgPool2x2(y, { method: method === 'conv2d' ? 'avgPool' : 'mean' }); // [N, S/2^(i+1), …, C_i]
      });
      return tf.mean(x, [1, 2]) as tf.Tensor2D; // [N, E]
    });
  }

  /**
   * The heads on bag embeddings.
   * @param bagEmbedding - [B, E] mean instance embedding of each patient.
   * @param metadata - [B, 2] standardised age and log(1 + count); read only with `metadata: true`.
   * @returns See {@link CropCnnOutput}.
   */
  heads(bagEmbedding: tf.Tensor2D, metadata: tf.Tensor2D | null): CropCnnOutput {
    if (this.config.metadata && metadata === null) {
      throw new ArgumentError('CropCnn.heads', 'metadata', 'a [B, 2] tensor (the model has a metadata term)', metadata);
    }
    const linear = (x: tf.Tensor2D, head: string, bias: boolean): tf.Tensor1D =>
      tf.tidy(() => {
        const y = tf.matMul(x, this.v<tf.Tensor2D>(`${head}/kernel`)); // [B, 1]
        return tf.reshape(bias ? tf.add(y, this.v(`${head}/bias`)) : y, [-1]) as tf.Tensor1D; // [B]
      });
    const imageLogit = linear(bagEmbedding, 'image', true);
    let logit = imageLogit;
    if (this.config.metadata) {
      const term = linear(metadata!, 'metadata', false);
      logit = tf.add(imageLogit, term);
      term.dispose();
    }
    const logLymphCount = this.config.multitask ? linear(bagEmbedding, 'count', true) : null;
    return { logit: this.config.metadata ? logit : tf.clone(imageLogit), imageLogit, logLymphCount };
  }

  /**
   * One forward pass on a batch of bags.
   * @param crops - [ΣN, S, S, 3] the crops of B patients, patient by patient.
   * @param assignment - [B, ΣN] row b holds 1/N_b on patient b's crops, 0 elsewhere (mean pooling as a product).
   * @param metadata - [B, 2] standardised age and log(1 + count), or `null` without the metadata term.
   * @returns See {@link CropCnnOutput}; tensors owned by the caller.
   */
  call(crops: tf.Tensor4D, assignment: tf.Tensor2D, metadata: tf.Tensor2D | null): CropCnnOutput {
    const bag = tf.tidy(() => tf.matMul(assignment, this.embed(crops)) as tf.Tensor2D); // [B, E]
    try {
      return this.heads(bag, metadata);
    } finally {
      bag.dispose();
    }
  }

  /** Frees the weights; calling it twice is harmless. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of this.vars.values()) v.dispose();
  }
}
