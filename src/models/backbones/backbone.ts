import * as tf from '@tensorflow/tfjs';
import type { WeightLayout } from '../../io/safetensors/convertLayout.js';
import { mapWeights } from '../../io/safetensors/mapWeights.js';
import type { MappedWeight, MapWeightsSource, WeightSpec, WeightSpecEntry } from '../../io/safetensors/mapWeights.js';
import { SafetensorsFile } from '../../io/safetensors/safetensorsFile.js';
import type { WeightMappingProblem } from '../../io/safetensors/weightMappingError.js';
import { checkOneOf, checkThat } from '../../core/index.js';
import { checkChannelTriple } from './checkChannelTriple.js';
import type { ImageEmbedder } from './imageEmbedder.js';

/** ImageNet channel means (RGB, on the [0, 1] scale) used by torchvision and timm. */
export const IMAGENET_MEAN: readonly [number, number, number] = Object.freeze([0.485, 0.456, 0.406]);
/** ImageNet channel standard deviations (RGB, on the [0, 1] scale) used by torchvision and timm. */
export const IMAGENET_STD: readonly [number, number, number] = Object.freeze([0.229, 0.224, 0.225]);

/**
 * What the backbones take as input.
 *
 * - `'uint8'`: RGB values in [0, 255] (float32 or int32 tensors of decoded pixels); the backbone divides by 255
 *   and applies the normalisation ((x / 255 − mean) / std, ImageNet statistics by default) itself.
 * - `'normalized'`: already normalised values, passed through unchanged.
 */
export type BackboneInputRange = 'uint8' | 'normalized';

/** Settings every backbone has. */
export interface BackboneCommonConfig {
  /** Side of the square input images the backbone is built for (pixels). */
  inputSize: number;
  /** How input values are scaled, see {@link BackboneInputRange}. */
  inputRange: BackboneInputRange;
  /** Per-channel RGB means on the [0, 1] scale used with `'uint8'` input. Defaults to {@link IMAGENET_MEAN}. */
  mean?: readonly number[];
  /** Per-channel RGB standard deviations on the [0, 1] scale. Defaults to {@link IMAGENET_STD}. */
  std?: readonly number[];
}

/** Arguments every backbone layer takes besides its architecture (tfjs `LayerArgs`). */
export type BackboneLayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** Options of {@link Backbone.loadTorchWeights}. */
export interface LoadTorchWeightsOptions {
  /**
   * Throw a `WeightMappingError` naming every missing, unexpected or wrongly shaped tensor; when false, the
   * weights that map are set and the problems returned. Defaults to true.
   */
  strict?: boolean;
  /**
   * Extra source tensors that may go unused (exact names or patterns), added to the architecture's own list
   * (classifier head, `num_batches_tracked`). Defaults to none.
   */
  ignore?: readonly (string | RegExp)[];
}

/** A tfjs weight initializer (`tf.initializers.*`). */
export type WeightInitializer = ReturnType<typeof tf.initializers.zeros>;

/** How one parameter is declared: its PyTorch name, shape and layout. */
interface ParamInfo {
  variable: tf.LayerVariable;
  /** Shape in the PyTorch checkpoint. */
  torchShape: readonly number[];
  layout: WeightLayout;
  /** Shape of the checkpoint tensor when it differs from `torchShape` (1×1 convs used as linears). */
  checkpointShape?: readonly number[];
  /** Loaded only when the source has it (LoRA adapters). */
  optional: boolean;
}

/** Options of {@link Backbone.declareParam}. */
export interface DeclareParamOptions {
  /** Initial values for random weights. Defaults to zeros. */
  init?: WeightInitializer;
  /** Trainable weight (false for batch-norm statistics). Defaults to true. */
  trainable?: boolean;
  /** The checkpoint tensor has `checkpointShape` and is reshaped to `torchShape` before conversion. */
  checkpointShape?: readonly number[];
  /** Loaded only when the source has it. Defaults to false. */
  optional?: boolean;
}

function tfjsShape(torchShape: readonly number[], layout: WeightLayout): number[] {
  const s = torchShape;
  switch (layout) {
    case 'linear':
      return [s[1]!, s[0]!];
    case 'conv2d':
    case 'conv2dTranspose':
      return [s[2]!, s[3]!, s[1]!, s[0]!];
    case 'depthwiseConv2d':
      return [s[2]!, s[3]!, s[0]!, 1];
    case 'conv1d':
      return [s[2]!, s[1]!, s[0]!];
    case 'identity':
      return [...s];
  }
}

function sourceHas(source: MapWeightsSource, name: string): boolean {
  if (source instanceof SafetensorsFile) return source.has(name);
  if (source instanceof Map) return source.has(name);
  return Object.prototype.hasOwnProperty.call(source, name);
}

/**
 * Base of the image backbones: a tfjs layer that maps images [N, H, W, 3] to pooled instance embeddings
 * [N, D], whose weights carry the PyTorch (torchvision / timm) names and load from their checkpoints.
 *
 * Shape key: N images, H = W = `inputSize`, D = {@link Backbone.embeddingSize}.
 *
 * Subclasses declare their parameters with {@link Backbone.declareParam} in their constructor (so the layer
 * is built at construction) and implement {@link Backbone.forwardNormalized}. Weights live in tfjs layouts
 * (conv filters [kh, kw, in, out], dense kernels [in, out]); {@link Backbone.loadTorchWeights} converts.
 */
export abstract class Backbone extends tf.layers.Layer implements ImageEmbedder {
  /** The architecture family: `'resnet'`, `'convnext'` or `'vit'`. */
  abstract readonly architecture: string;
  /** Size D of the embeddings. */
  abstract readonly embeddingSize: number;
  /** Side of the square inputs the backbone is built for (pixels). */
  readonly inputSize: number;
  /** How inputs are scaled, see {@link BackboneInputRange}. */
  readonly inputRange: BackboneInputRange;
  /** Per-channel means (RGB, [0, 1] scale) subtracted from `'uint8'` input after dividing by 255. */
  readonly mean: readonly [number, number, number];
  /** Per-channel standard deviations (RGB, [0, 1] scale) dividing `'uint8'` input. */
  readonly std: readonly [number, number, number];
  readonly #params = new Map<string, ParamInfo>();

  /**
   * @param common - input size and range
   * @param args - tfjs layer arguments (name, …)
   */
  constructor(common: BackboneCommonConfig, args: BackboneLayerArgs) {
    super(args);
    const fn = new.target.name;
    checkThat(Number.isSafeInteger(common.inputSize) && common.inputSize >= 1, fn, 'config.inputSize', 'a positive integer', common.inputSize);
    checkOneOf(fn, 'config.inputRange', common.inputRange, ['uint8', 'normalized'] as const);
    const triple = (v: readonly number[], what: string, positive: boolean): readonly [number, number, number] =>
      checkChannelTriple(fn, `config.${what}`, v, positive);
    this.inputSize = common.inputSize;
    this.inputRange = common.inputRange;
    this.mean = triple(common.mean ?? IMAGENET_MEAN, 'mean', false);
    this.std = triple(common.std ?? IMAGENET_STD, 'std', true);
  }

  /**
   * Declare a weight under its PyTorch name (call from the subclass constructor, in a fixed order).
   *
   * @param name - the checkpoint name, e.g. `layer1.0.conv1.weight`
   * @param torchShape - its PyTorch shape (after `checkpointShape` reshaping)
   * @param layout - conversion to the tfjs layout
   * @param options - see {@link DeclareParamOptions}
   * @returns the tfjs variable
   */
  protected declareParam(
    name: string,
    torchShape: readonly number[],
    layout: WeightLayout,
    options: DeclareParamOptions = {},
  ): tf.LayerVariable {
    if (this.#params.has(name)) throw new Error(`${this.constructor.name}: parameter ${name} declared twice`);
    const shape = tfjsShape(torchShape, layout);
    const variable = this.addWeight(
      name,
      shape,
      'float32',
      options.init ?? tf.initializers.zeros(),
      undefined,
      options.trainable ?? true,
    );
    this.#params.set(name, {
      variable,
      torchShape: [...torchShape],
      layout,
      optional: options.optional ?? false,
      ...(options.checkpointShape === undefined ? {} : { checkpointShape: [...options.checkpointShape] }),
    });
    return variable;
  }

  /**
   * The current value of a declared weight (inside a tidy).
   *
   * @param name - the PyTorch name
   * @returns the variable's tensor (not a copy; do not dispose)
   */
  protected param(name: string): tf.Tensor {
    const info = this.#params.get(name);
    if (info === undefined) throw new Error(`${this.constructor.name}: no parameter ${name}`);
    return info.variable.read();
  }

  /** The declared weights by PyTorch name, in declaration order. */
  get parameters(): ReadonlyMap<string, tf.LayerVariable> {
    return new Map([...this.#params].map(([k, v]) => [k, v.variable]));
  }

  /** The PyTorch shape of each declared weight, by name (as in a torchvision / timm `state_dict`). */
  get torchShapes(): ReadonlyMap<string, readonly number[]> {
    return new Map([...this.#params].map(([k, v]) => [k, v.checkpointShape ?? v.torchShape]));
  }

  /** Source tensors of a checkpoint that the backbone never uses (classifier head, counters). */
  protected abstract get ignoredSources(): readonly (string | RegExp)[];

  /**
   * The forward pass on normalised input.
   *
   * @param x - [N, H, W, 3] float32, ImageNet-normalised
   * @returns [N, D]
   */
  protected abstract forwardNormalized(x: tf.Tensor4D): tf.Tensor2D;

  /**
   * Dispose the weights. Unlike a plain tfjs layer, a backbone that was only used eagerly (never in a
   * `tf.model`) can be disposed too.
   *
   * @returns tfjs's dispose result
   */
  /** The input settings for `getConfig`. */
  protected commonConfig(): tf.serialization.ConfigDict {
    return { inputSize: this.inputSize, inputRange: this.inputRange, mean: [...this.mean], std: [...this.std] };
  }

  override dispose(): ReturnType<tf.layers.Layer['dispose']> {
    if (this._refCount === null) this._refCount = 1;
    return super.dispose();
  }

  override build(): void {
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [s[0] ?? null, this.embeddingSize];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (x === undefined) throw new Error(`${this.architecture}: no input`);
      return this.forwardNormalized(this.normalize(x));
    });
  }

  /**
   * Embed a batch of images.
   *
   * @param images - [N, H, W, 3], float32 or int32; RGB in [0, 255] when `inputRange` is `'uint8'`, else
   *   ImageNet-normalised. H and W need not equal `inputSize` for the convolutional backbones; the ViT needs them to.
   * @returns [N, D] float32, a new tensor the caller disposes
   * @throws Error naming the architecture and the shape when the input is not [N, H, W, 3]
   * @example
   * const backbone = createBackbone('resnet18');
   * const z = backbone.embed(tf.zeros([2, 224, 224, 3])); // [2, 512]
   */
  embed(images: tf.Tensor): tf.Tensor2D {
    if (images.rank !== 4 || images.shape[3] !== 3) {
      throw new Error(`${this.architecture}.embed: expected images [N, H, W, 3], got [${images.shape.join(', ')}]`);
    }
    return tf.tidy(() => this.apply(images) as tf.Tensor2D);
  }

  /**
   * What {@link backboneFingerprint} hashes: the layer config (name and `trainable` excluded) as JSON, then
   * the float32 bytes of every weight in declaration order.
   *
   * @returns the byte chunks (views of the weight data: read them, do not modify them); no tensor is allocated
   */
  async fingerprintBytes(): Promise<Uint8Array[]> {
    const { name: _name, trainable: _trainable, ...config } = this.getConfig();
    const header = new TextEncoder().encode(JSON.stringify(config));
    // Read asynchronously: WebGPU in a Web Worker cannot read a tensor synchronously.
    const weights = await Promise.all(
      [...this.parameters.values()].map(async (v) => {
        const a = (await v.read().data()) as Float32Array;
        return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      }),
    );
    return [header, ...weights];
  }

  /** Scale and normalise input: [N, H, W, 3] → float32 [N, H, W, 3] ((x / 255 − mean) / std for `'uint8'`). */
  normalize(x: tf.Tensor): tf.Tensor4D {
    const f = tf.cast(x, 'float32') as tf.Tensor4D;
    if (this.inputRange === 'normalized') return f;
    const mean = tf.tensor1d(this.mean.map((m) => m * 255));
    const invStd = tf.tensor1d(this.std.map((s) => 1 / (s * 255)));
    return tf.mul(tf.sub(f, mean), invStd) as tf.Tensor4D; // (x/255 − mean)/std
  }

  /**
   * Set the weights from a PyTorch checkpoint (torchvision / timm names and layouts), converting layouts and
   * dtypes (F32, F16, BF16, F64) with `mapWeights`.
   *
   * @param source - a parsed safetensors file, or tensors by name
   * @param options - see {@link LoadTorchWeightsOptions}
   * @returns the problems found (always empty when strict)
   * @throws `WeightMappingError` (strict) naming every missing, unexpected or wrongly shaped tensor; then no weight changes
   */
  loadTorchWeights(source: MapWeightsSource, options: LoadTorchWeightsOptions = {}): WeightMappingProblem[] {
    const spec: Record<string, WeightSpecEntry> = {};
    for (const [name, info] of this.#params) {
      if (info.optional && !sourceHas(source, name)) continue;
      const shape = info.variable.shape as number[];
      const want = info.checkpointShape;
      spec[name] =
        want === undefined
          ? { from: name, layout: info.layout, shape }
          : {
              from: (get): MappedWeight => {
                const w = get(name);
                if (w.shape.length !== want.length || w.shape.some((d, i) => d !== want[i])) {
                  throw new Error(`shape [${w.shape.join(', ')}] differs from the expected [${want.join(', ')}]`);
                }
                return { data: w.data, shape: [...info.torchShape] };
              },
              layout: info.layout,
              shape,
            };
    }
    const { weights, warnings } = mapWeights(source, spec as WeightSpec, {
      strict: options.strict ?? true,
      ignore: [...this.ignoredSources, ...(options.ignore ?? [])],
    });
    tf.tidy(() => {
      for (const [name, w] of weights) this.#params.get(name)!.variable.write(tf.tensor(w.data, w.shape, 'float32'));
    });
    return warnings;
  }
}
