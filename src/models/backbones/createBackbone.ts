import type { Backbone, BackboneInputRange } from './backbone.js';
import { CONVNEXT_CONFIGS, ConvNextBackbone } from './convNextBackbone.js';
import type { ConvNextConfig } from './convNextBackbone.js';
import { RESNET18_CONFIG, ResNetBackbone } from './resNetBackbone.js';
import type { ResNetConfig } from './resNetBackbone.js';
import { VIT_SMALL_CONFIG, VitBackbone } from './vitBackbone.js';
import type { LoraConfig, VitConfig } from './vitBackbone.js';
import { ArgumentError, checkOneOf, checkOptions } from '../../core/index.js';
import { checkChannelTriple } from './checkChannelTriple.js';

/** The backbones by their timm / torchvision model name. */
export type BackboneName =
  | 'resnet18'
  | 'convnext_atto'
  | 'convnext_femto'
  | 'convnext_pico'
  | 'convnext_nano'
  | 'convnext_tiny'
  | 'vit_small_patch16_224';

/** Every {@link BackboneName}. */
export const BACKBONE_NAMES: readonly BackboneName[] = Object.freeze([
  'resnet18',
  'convnext_atto',
  'convnext_femto',
  'convnext_pico',
  'convnext_nano',
  'convnext_tiny',
  'vit_small_patch16_224',
]);

/** Architecture fields that {@link CreateBackboneOptions.architecture} may override (to shrink models for tests). */
export type BackboneArchitecture = Partial<
  Pick<ResNetConfig, 'widths' | 'depths'> &
    Pick<ConvNextConfig, 'dims' | 'depths' | 'convMlp' | 'layerScaleInit'> &
    Pick<VitConfig, 'patchSize' | 'dim' | 'depth' | 'heads' | 'mlpRatio'>
>;

/** Options of {@link createBackbone}. */
export interface CreateBackboneOptions {
  /** Side of the square input images (pixels). Defaults to 224. */
  inputSize?: number;
  /** Input scaling, see {@link BackboneInputRange}. Defaults to `'uint8'` (RGB in [0, 255]). */
  inputRange?: BackboneInputRange;
  /**
   * Per-channel RGB means on the [0, 1] scale of the checkpoint's training (used with `'uint8'` input).
   * Defaults to ImageNet's [0.485, 0.456, 0.406]; timm's `augreg` ViT weights use [0.5, 0.5, 0.5].
   */
  mean?: readonly number[];
  /** Per-channel RGB standard deviations on the [0, 1] scale. Defaults to ImageNet's [0.229, 0.224, 0.225]. */
  std?: readonly number[];
  /** Seed of the random initial weights. Defaults to 0. */
  seed?: number;
  /**
   * Overrides of the architecture (e.g. `{ widths: [8, 16, 24, 32] }` for ResNet, `{ dims, depths }` for
   * ConvNeXt, `{ dim: 48, depth: 2 }` for ViT); a field the architecture does not have is an error.
   * Defaults to none (the published architecture).
   */
  architecture?: BackboneArchitecture;
  /** LoRA adapters (ViT only). Defaults to none. */
  lora?: LoraConfig | null;
  /** tfjs layer name. Defaults to a unique name from the class. */
  name?: string;
}

function defaults(name: BackboneName): Readonly<ResNetConfig | ConvNextConfig | VitConfig> {
  if (name === 'resnet18') return RESNET18_CONFIG;
  if (name === 'vit_small_patch16_224') return VIT_SMALL_CONFIG;
  return CONVNEXT_CONFIGS[name.slice('convnext_'.length) as keyof typeof CONVNEXT_CONFIGS];
}

/**
 * Build a backbone with random weights (load pretrained ones with {@link loadBackbone}).
 *
 * @param name - the architecture, see {@link BACKBONE_NAMES}
 * @param options - see {@link CreateBackboneOptions}
 * @returns the backbone: [N, H, W, 3] images → [N, D] embeddings (D = 512 resnet18, 320/384/512/640/768
 *   convnext atto/femto/pico/nano/tiny, 384 vit_small)
 * @throws Error naming `createBackbone` and the value for an unknown name, a foreign architecture field, or
 *   LoRA on a convolutional backbone
 * @example
 * const tiny = createBackbone('convnext_tiny');
 * const test = createBackbone('resnet18', { inputSize: 64, architecture: { widths: [8, 16, 24, 32] } });
 */
export function createBackbone(name: BackboneName, options: CreateBackboneOptions = {}): Backbone {
  const fn = 'createBackbone';
  checkOneOf(fn, 'name', name, BACKBONE_NAMES);
  checkOptions(fn, options);
  if (options.mean !== undefined) checkChannelTriple(fn, 'options.mean', options.mean, false);
  if (options.std !== undefined) checkChannelTriple(fn, 'options.std', options.std, true);
  const base = defaults(name);
  const arch = checkOptions(fn, options.architecture, 'options.architecture');
  for (const key of Object.keys(arch)) {
    if (!(key in base) || key === 'inputSize' || key === 'inputRange' || key === 'seed' || key === 'lora') {
      throw new ArgumentError(fn, `options.architecture.${key}`, `absent: ${name} has no architecture field ${JSON.stringify(key)}`, (arch as Record<string, unknown>)[key]);
    }
  }
  const config = {
    ...base,
    ...arch,
    inputSize: options.inputSize ?? base.inputSize,
    inputRange: options.inputRange ?? base.inputRange,
    seed: options.seed ?? base.seed,
    ...(options.mean === undefined ? {} : { mean: options.mean }),
    ...(options.std === undefined ? {} : { std: options.std }),
  };
  const args = options.name === undefined ? {} : { name: options.name };
  const lora = options.lora ?? null;
  if (name === 'vit_small_patch16_224') return new VitBackbone({ ...(config as VitConfig), lora }, args);
  if (lora !== null) throw new ArgumentError(fn, 'options.lora', `null: LoRA adapters are for the ViT only, not ${name}`, lora);
  if (name === 'resnet18') return new ResNetBackbone(config as ResNetConfig, args);
  return new ConvNextBackbone(config as ConvNextConfig, args);
}
