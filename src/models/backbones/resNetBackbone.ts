import * as tf from '@tensorflow/tfjs';
import { Backbone } from './backbone.js';
import type { BackboneCommonConfig, BackboneLayerArgs, WeightInitializer } from './backbone.js';
import { batchNormInference, conv2dTorch } from './backboneOps.js';
import { initializerSeed } from '../../backend/initializerSeed.js';
import { checkThat, DescribedValue } from '../../core/index.js';

/** Architecture of a {@link ResNetBackbone} (torchvision `ResNet` with `BasicBlock`s). */
export interface ResNetConfig extends BackboneCommonConfig {
  /** Output channels of the four stages; the stem has `widths[0]`. ResNet18: [64, 128, 256, 512]. */
  widths: readonly number[];
  /** Basic blocks per stage. ResNet18: [2, 2, 2, 2]. */
  depths: readonly number[];
  /** Seed of the random initial weights; initialiser i uses seed + i (i ≥ 1: tfjs treats seed 0 as unseeded). */
  seed: number;
}

/** torchvision `resnet18`: 224 px, widths [64, 128, 256, 512], depths [2, 2, 2, 2]. */
export const RESNET18_CONFIG: Readonly<ResNetConfig> = Object.freeze({
  inputSize: 224,
  inputRange: 'uint8',
  widths: Object.freeze([64, 128, 256, 512]),
  depths: Object.freeze([2, 2, 2, 2]),
  seed: 0,
});

const BN_EPS = 1e-5;

/**
 * ResNet with basic blocks (torchvision `resnet18` names and math) without its classifier: images →
 * global-average-pooled features of the last stage.
 *
 * Shape key: [N, H, W, 3] → stem conv 7×7/2 + BN + ReLU + max-pool 3×3/2 → stages (stride 1, 2, 2, 2) →
 * [N, H/32, W/32, widths[3]] → mean over H, W → [N, D = widths[3]] (512 for ResNet18).
 *
 * Batch norms use their running statistics (PyTorch eval mode). Weight names are torchvision's
 * (`conv1.weight`, `bn1.running_mean`, `layer2.0.downsample.0.weight`, …); `fc.*` and
 * `*.num_batches_tracked` in a checkpoint are ignored. Registered for serialisation as
 * `'LymphomixResNetBackbone'`.
 *
 * @example
 * const backbone = new ResNetBackbone({ ...RESNET18_CONFIG, widths: [8, 16, 32, 64], inputSize: 64 });
 * const z = backbone.embed(tf.zeros([1, 64, 64, 3])); // [1, 64]
 */
export class ResNetBackbone extends Backbone {
  static className = 'LymphomixResNetBackbone';
  readonly architecture = 'resnet';
  readonly embeddingSize: number;
  /** The architecture. */
  readonly config: Readonly<ResNetConfig>;

  /**
   * @param config - the architecture (see {@link RESNET18_CONFIG})
   * @param args - tfjs layer arguments
   */
  constructor(config: ResNetConfig, args: BackboneLayerArgs = {}) {
    super(config, args);
    const { widths, depths } = config;
    for (const [name, v] of [['widths', widths], ['depths', depths]] as const) {
      const ok = v.length === 4 && v.every((x) => Number.isSafeInteger(x) && x >= 1);
      checkThat(ok, 'ResNetBackbone', `config.${name}`, '4 positive integers', new DescribedValue(`[${v.join(', ')}]`));
    }
    this.config = Object.freeze({ ...config, widths: [...widths], depths: [...depths] });
    this.embeddingSize = widths[3]!;
    let index = 0;
    const he = (): WeightInitializer => tf.initializers.heNormal({ seed: initializerSeed(config.seed, index++) });
    const bn = (prefix: string, c: number): void => {
      this.declareParam(`${prefix}.weight`, [c], 'identity', { init: tf.initializers.ones() });
      this.declareParam(`${prefix}.bias`, [c], 'identity');
      this.declareParam(`${prefix}.running_mean`, [c], 'identity', { trainable: false });
      this.declareParam(`${prefix}.running_var`, [c], 'identity', { trainable: false, init: tf.initializers.ones() });
    };
    this.declareParam('conv1.weight', [widths[0]!, 3, 7, 7], 'conv2d', { init: he() });
    bn('bn1', widths[0]!);
    let inC = widths[0]!;
    for (let s = 0; s < 4; s++) {
      const c = widths[s]!;
      for (let b = 0; b < depths[s]!; b++) {
        const p = `layer${s + 1}.${b}`;
        const stride = s > 0 && b === 0 ? 2 : 1;
        this.declareParam(`${p}.conv1.weight`, [c, inC, 3, 3], 'conv2d', { init: he() });
        bn(`${p}.bn1`, c);
        this.declareParam(`${p}.conv2.weight`, [c, c, 3, 3], 'conv2d', { init: he() });
        bn(`${p}.bn2`, c);
        if (stride !== 1 || inC !== c) {
          this.declareParam(`${p}.downsample.0.weight`, [c, inC, 1, 1], 'conv2d', { init: he() });
          bn(`${p}.downsample.1`, c);
        }
        inC = c;
      }
    }
    this.built = true;
  }

  protected get ignoredSources(): readonly (string | RegExp)[] {
    return [/^fc\./, /(^|\.)num_batches_tracked$/];
  }

  private bn(x: tf.Tensor, p: string): tf.Tensor {
    const w = (n: string): tf.Tensor => this.param(`${p}.${n}`);
    return batchNormInference(x, w('weight'), w('bias'), w('running_mean'), w('running_var'), BN_EPS);
  }

  protected forwardNormalized(input: tf.Tensor4D): tf.Tensor2D {
    const { widths, depths } = this.config;
    let x = conv2dTorch(input, this.param('conv1.weight'), null, 2, 3); // [N, H/2, W/2, C0]
    x = tf.relu(this.bn(x, 'bn1'));
    x = tf.maxPool(x as tf.Tensor4D, 3, 2, 1); // [N, H/4, W/4, C0]
    let inC = widths[0]!;
    for (let s = 0; s < 4; s++) {
      const c = widths[s]!;
      for (let b = 0; b < depths[s]!; b++) {
        const p = `layer${s + 1}.${b}`;
        const stride = s > 0 && b === 0 ? 2 : 1;
        let out = tf.relu(this.bn(conv2dTorch(x, this.param(`${p}.conv1.weight`), null, stride, 1), `${p}.bn1`));
        out = this.bn(conv2dTorch(out, this.param(`${p}.conv2.weight`), null, 1, 1), `${p}.bn2`);
        const identity =
          stride !== 1 || inC !== c
            ? this.bn(conv2dTorch(x, this.param(`${p}.downsample.0.weight`), null, stride, 0), `${p}.downsample.1`)
            : x;
        x = tf.relu(tf.add(out, identity)); // [N, h, w, c]
        inC = c;
      }
    }
    return tf.mean(x, [1, 2]) as tf.Tensor2D; // [N, D]
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...(this.config as unknown as tf.serialization.ConfigDict), ...this.commonConfig(), widths: [...this.config.widths], depths: [...this.config.depths] };
  }

  /** Rebuild from {@link ResNetBackbone.getConfig} (fresh weights). */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const { inputSize, inputRange, widths, depths, seed, mean, std, ...args } = config as unknown as ResNetConfig & BackboneLayerArgs;
    return new (cls as unknown as typeof ResNetBackbone)({ inputSize, inputRange, widths, depths, seed, ...(mean === undefined ? {} : { mean }), ...(std === undefined ? {} : { std }) }, args) as unknown as T;
  }
}

tf.serialization.registerClass(ResNetBackbone);
