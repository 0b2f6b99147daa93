import * as tf from '@tensorflow/tfjs';
import { Backbone } from './backbone.js';
import type { BackboneCommonConfig, BackboneLayerArgs, WeightInitializer } from './backbone.js';
import { conv2dTorch, depthwiseConv2dTorch, geluExact, layerNorm, linear } from './backboneOps.js';
import { initializerSeed } from '../../backend/initializerSeed.js';
import { checkThat, DescribedValue } from '../../core/index.js';

/** Architecture of a {@link ConvNextBackbone} (timm `ConvNeXt`). */
export interface ConvNextConfig extends BackboneCommonConfig {
  /** Blocks per stage (4 stages). */
  depths: readonly number[];
  /** Channels per stage (4 stages); D = `dims[3]`. */
  dims: readonly number[];
  /**
   * timm's `conv_mlp`: the block MLP is stored as 1×1 convolutions (`mlp.fc1.weight` [4C, C, 1, 1]) instead of
   * linears ([4C, C]); the math is the same. True for atto … nano, false for tiny.
   */
  convMlp: boolean;
  /** Initial layer-scale `gamma` of random weights (timm's `ls_init_value`). */
  layerScaleInit: number;
  /** Seed of the random initial weights; initialiser i uses seed + i (i ≥ 1: tfjs treats seed 0 as unseeded). */
  seed: number;
}

const base = { inputSize: 224, inputRange: 'uint8', layerScaleInit: 1e-6, seed: 0 } as const;

/** timm ConvNeXt variants (`convnext_atto` … `convnext_tiny`), 224 px. */
export const CONVNEXT_CONFIGS: Readonly<Record<'atto' | 'femto' | 'pico' | 'nano' | 'tiny', Readonly<ConvNextConfig>>> =
  Object.freeze({
    atto: Object.freeze({ ...base, depths: [2, 2, 6, 2], dims: [40, 80, 160, 320], convMlp: true }),
    femto: Object.freeze({ ...base, depths: [2, 2, 6, 2], dims: [48, 96, 192, 384], convMlp: true }),
    pico: Object.freeze({ ...base, depths: [2, 2, 6, 2], dims: [64, 128, 256, 512], convMlp: true }),
    nano: Object.freeze({ ...base, depths: [2, 2, 8, 2], dims: [80, 160, 320, 640], convMlp: true }),
    tiny: Object.freeze({ ...base, depths: [3, 3, 9, 3], dims: [96, 192, 384, 768], convMlp: false }),
  });

const EPS = 1e-6;

/**
 * ConvNeXt (timm names and math) without its classifier: images → pooled, normalised features as timm's
 * `forward_head(pre_logits=True)`.
 *
 * Shape key: [N, H, W, 3] → stem conv 4×4/4 + LayerNorm2d → stage 0 → (LayerNorm2d + conv 2×2/2, blocks) × 3
 * → [N, H/32, W/32, dims[3]] → mean over H, W → `head.norm` → [N, D = dims[3]].
 * Block: x + gamma · fc2(GELU(fc1(LayerNorm(dwconv7×7(x))))), GELU exact (erf), LayerNorm eps 1e-6.
 * On the wasm backend the 7×7 depthwise convolution runs as nine dilated 3×3 ones (same values and gradients; see
 * `depthwiseConv2dTorch`), which XNNPACK runs about 3× faster there.
 *
 * Weight names are timm's (`stem.0.weight`, `stages.1.downsample.1.weight`, `stages.2.blocks.3.conv_dw.weight`,
 * `….mlp.fc1.weight`, `….gamma`, `head.norm.weight`); `head.fc.*` in a checkpoint is ignored. Registered for
 * serialisation as `'LymphomixConvNextBackbone'`.
 *
 * @example
 * const backbone = new ConvNextBackbone(CONVNEXT_CONFIGS.tiny);
 * backbone.embed(tf.zeros([1, 224, 224, 3])).shape; // [1, 768]
 */
export class ConvNextBackbone extends Backbone {
  static className = 'LymphomixConvNextBackbone';
  readonly architecture = 'convnext';
  readonly embeddingSize: number;
  /** The architecture. */
  readonly config: Readonly<ConvNextConfig>;

  /**
   * @param config - the architecture (see {@link CONVNEXT_CONFIGS})
   * @param args - tfjs layer arguments
   */
  constructor(config: ConvNextConfig, args: BackboneLayerArgs = {}) {
    super(config, args);
    const { depths, dims } = config;
    for (const [name, v] of [['dims', dims], ['depths', depths]] as const) {
      const ok = v.length === 4 && v.every((x) => Number.isSafeInteger(x) && x >= 1);
      checkThat(ok, 'ConvNextBackbone', `config.${name}`, '4 positive integers', new DescribedValue(`[${v.join(', ')}]`));
    }
    this.config = Object.freeze({ ...config, depths: [...depths], dims: [...dims] });
    this.embeddingSize = dims[3]!;
    let index = 0;
    const trunc = (): WeightInitializer => tf.initializers.truncatedNormal({ stddev: 0.02, seed: initializerSeed(config.seed, index++) });
    const norm = (p: string, c: number): void => {
      this.declareParam(`${p}.weight`, [c], 'identity', { init: tf.initializers.ones() });
      this.declareParam(`${p}.bias`, [c], 'identity');
    };
    const conv = (p: string, shape: number[], layout: 'conv2d' | 'depthwiseConv2d'): void => {
      this.declareParam(`${p}.weight`, shape, layout, { init: trunc() });
      this.declareParam(`${p}.bias`, [shape[0]!], 'identity');
    };
    const fc = (p: string, out: number, inp: number): void => {
      this.declareParam(`${p}.weight`, [out, inp], 'linear', {
        init: trunc(),
        ...(config.convMlp ? { checkpointShape: [out, inp, 1, 1] } : {}),
      });
      this.declareParam(`${p}.bias`, [out], 'identity');
    };
    conv('stem.0', [dims[0]!, 3, 4, 4], 'conv2d');
    norm('stem.1', dims[0]!);
    for (let s = 0; s < 4; s++) {
      const c = dims[s]!;
      if (s > 0) {
        norm(`stages.${s}.downsample.0`, dims[s - 1]!);
        conv(`stages.${s}.downsample.1`, [c, dims[s - 1]!, 2, 2], 'conv2d');
      }
      for (let b = 0; b < depths[s]!; b++) {
        const p = `stages.${s}.blocks.${b}`;
        conv(`${p}.conv_dw`, [c, 1, 7, 7], 'depthwiseConv2d');
        norm(`${p}.norm`, c);
        fc(`${p}.mlp.fc1`, 4 * c, c);
        fc(`${p}.mlp.fc2`, c, 4 * c);
        this.declareParam(`${p}.gamma`, [c], 'identity', { init: tf.initializers.constant({ value: config.layerScaleInit }) });
      }
    }
    norm('head.norm', dims[3]!);
    this.built = true;
  }

  protected get ignoredSources(): readonly (string | RegExp)[] {
    return [/^head\.fc\./];
  }

  private norm(x: tf.Tensor, p: string): tf.Tensor {
    return layerNorm(x, this.param(`${p}.weight`), this.param(`${p}.bias`), EPS);
  }

  protected forwardNormalized(input: tf.Tensor4D): tf.Tensor2D {
    const { depths } = this.config;
    const w = (n: string): tf.Tensor => this.param(n);
    let x = this.norm(conv2dTorch(input, w('stem.0.weight'), w('stem.0.bias'), 4, 0), 'stem.1'); // [N, H/4, W/4, C0]
    for (let s = 0; s < 4; s++) {
      if (s > 0) {
        const p = `stages.${s}.downsample`;
        x = conv2dTorch(this.norm(x, `${p}.0`), w(`${p}.1.weight`), w(`${p}.1.bias`), 2, 0); // [N, h/2, w/2, Cs]
      }
      for (let b = 0; b < depths[s]!; b++) {
        const p = `stages.${s}.blocks.${b}`;
        let y = depthwiseConv2dTorch(x, w(`${p}.conv_dw.weight`), w(`${p}.conv_dw.bias`), 3); // [N, h, w, C]
        y = this.norm(y, `${p}.norm`);
        y = geluExact(linear(y, w(`${p}.mlp.fc1.weight`), w(`${p}.mlp.fc1.bias`))); // [N, h, w, 4C]
        y = linear(y, w(`${p}.mlp.fc2.weight`), w(`${p}.mlp.fc2.bias`)); // [N, h, w, C]
        x = tf.add(x, tf.mul(y, w(`${p}.gamma`)));
      }
    }
    return this.norm(tf.mean(x, [1, 2]), 'head.norm') as tf.Tensor2D; // [N, D]
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...(this.config as unknown as tf.serialization.ConfigDict), ...this.commonConfig(), depths: [...this.config.depths], dims: [...this.config.dims] };
  }

  /** Rebuild from {@link ConvNextBackbone.getConfig} (fresh weights). */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const { inputSize, inputRange, depths, dims, convMlp, layerScaleInit, seed, mean, std, ...args } =
      config as unknown as ConvNextConfig & BackboneLayerArgs;
    return new (cls as unknown as typeof ConvNextBackbone)(
      { inputSize, inputRange, depths, dims, convMlp, layerScaleInit, seed, ...(mean === undefined ? {} : { mean }), ...(std === undefined ? {} : { std }) },
      args,
    ) as unknown as T;
  }
}

tf.serialization.registerClass(ConvNextBackbone);
