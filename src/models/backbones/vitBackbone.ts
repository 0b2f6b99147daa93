import * as tf from '@tensorflow/tfjs';
import { Backbone } from './backbone.js';
import type { BackboneCommonConfig, BackboneLayerArgs } from './backbone.js';
import { attention, conv2dTorch, geluExact, layerNorm, linear } from './backboneOps.js';
import { initializerSeed } from '../../backend/initializerSeed.js';
import { checkInteger, checkNumber, checkOneOf, checkThat } from '../../core/index.js';

/** Linear layers of a ViT block that can carry LoRA adapters. */
export type LoraTarget = 'qkv' | 'proj' | 'fc1' | 'fc2';

/** Every {@link LoraTarget}. */
export const LORA_TARGETS: readonly LoraTarget[] = Object.freeze(['qkv', 'proj', 'fc1', 'fc2']);

/** Low-rank adapters (LoRA, Hu et al. 2021) on a ViT's linear layers. */
export interface LoraConfig {
  /** Rank r of the adapters, a positive integer. */
  rank: number;
  /** Scale numerator: the adapter output is multiplied by alpha / r. */
  alpha: number;
  /** Which linear layers of each block get adapters. Defaults to `['qkv']`. */
  targets?: readonly LoraTarget[];
}

/** Architecture of a {@link VitBackbone} (timm `VisionTransformer`, class-token pooling). */
export interface VitConfig extends BackboneCommonConfig {
  /** Side of the square patches (pixels); `inputSize` must be a multiple of it. */
  patchSize: number;
  /** Embedding dimension D. */
  dim: number;
  /** Number of transformer blocks. */
  depth: number;
  /** Attention heads; must divide `dim`. */
  heads: number;
  /** MLP hidden size / D. */
  mlpRatio: number;
  /** LoRA adapters, or null for none. */
  lora: LoraConfig | null;
  /** Seed of the random initial weights; initialiser i uses seed + i (i ≥ 1: tfjs treats seed 0 as unseeded). */
  seed: number;
}

/** timm `vit_small_patch16_224`: 224 px, patch 16, D = 384, 12 blocks, 6 heads, MLP ratio 4, no LoRA. */
export const VIT_SMALL_CONFIG: Readonly<VitConfig> = Object.freeze({
  inputSize: 224,
  inputRange: 'uint8',
  patchSize: 16,
  dim: 384,
  depth: 12,
  heads: 6,
  mlpRatio: 4,
  lora: null,
  seed: 0,
});

const EPS = 1e-6;

interface LoraSite {
  /** The linear layer's name, e.g. `blocks.0.attn.qkv`. */
  prefix: string;
  scale: number;
}

/**
 * Vision transformer (timm names and math) without its classifier: images → the class token after the final
 * norm (timm's `forward_head(pre_logits=True)` with `global_pool='token'`).
 *
 * Shape key: [N, H, W, 3] → patch conv P×P/P → [N, T − 1, D] → prepend `cls_token`, add `pos_embed` → [N, T, D]
 * → depth × (x + attn(norm1(x)); x + mlp(norm2(x))) → `norm` → [:, 0] → [N, D]; T = (H / P)² + 1.
 * LayerNorm eps 1e-6, GELU exact, attention softmax(q·kᵀ / √(D / heads)).
 *
 * With `lora`, the target linears compute x·W + b + (alpha / r)·(x·A)·B with A [in, r] (random) and B [r, out]
 * (zeros), so a fresh adapter leaves the output unchanged; every other weight is frozen (`trainable` false).
 * Adapter weights are named `<linear>.lora_A.weight` [r, in] and `<linear>.lora_B.weight` [out, r] in
 * checkpoints (PyTorch layout, as peft's without its `base_model.model.` prefix and `.default`), and load
 * only when present. {@link VitBackbone.mergeLora} folds them into W.
 *
 * Weight names are timm's (`patch_embed.proj.weight`, `cls_token`, `pos_embed`, `blocks.3.attn.qkv.weight`,
 * `blocks.3.mlp.fc2.bias`, `norm.weight`); `head.*` is ignored. Registered for serialisation as
 * `'LymphomixVitBackbone'`.
 *
 * @example
 * const vit = new VitBackbone({ ...VIT_SMALL_CONFIG, lora: { rank: 8, alpha: 16 } });
 * vit.embed(tf.zeros([1, 224, 224, 3])).shape; // [1, 384]
 */
export class VitBackbone extends Backbone {
  static className = 'LymphomixVitBackbone';
  readonly architecture = 'vit';
  readonly embeddingSize: number;
  /** The architecture. */
  readonly config: Readonly<VitConfig>;
  readonly #lora = new Map<string, LoraSite>();
  #merged = false;

  /**
   * @param config - the architecture (see {@link VIT_SMALL_CONFIG})
   * @param args - tfjs layer arguments
   */
  constructor(config: VitConfig, args: BackboneLayerArgs = {}) {
    super(config, args);
    const { patchSize: p, dim, depth, heads, mlpRatio, lora } = config;
    const ints = { patchSize: p, dim, depth, heads };
    const fn = 'VitBackbone';
    for (const [k, v] of Object.entries(ints)) checkInteger(fn, `config.${k}`, v, { min: 1 });
    checkThat(dim % heads === 0, fn, 'config.heads', `a divisor of config.dim (${dim})`, heads);
    checkThat(config.inputSize % p === 0, fn, 'config.inputSize', `a multiple of config.patchSize (${p})`, config.inputSize);
    const hidden = Math.round(dim * mlpRatio);
    checkThat(hidden >= 1, fn, 'config.mlpRatio', 'a positive number (dim × mlpRatio ≥ 1)', mlpRatio);
    const targets = lora?.targets ?? ['qkv'];
    if (lora !== null) {
      checkInteger(fn, 'config.lora.rank', lora.rank, { min: 1 });
      checkNumber(fn, 'config.lora.alpha', lora.alpha);
      targets.forEach((t, i) => checkOneOf(fn, `config.lora.targets[${i}]`, t, LORA_TARGETS));
    }
    this.config = Object.freeze({ ...config, lora: lora === null ? null : { ...lora, targets: [...targets] } });
    this.embeddingSize = dim;
    let index = 0;
    const frozen = lora !== null;
    const trainable = !frozen;
    const trunc = (): ReturnType<typeof tf.initializers.zeros> =>
      tf.initializers.truncatedNormal({ stddev: 0.02, seed: initializerSeed(config.seed, index++) });
    const norm = (n: string): void => {
      this.declareParam(`${n}.weight`, [dim], 'identity', { init: tf.initializers.ones(), trainable });
      this.declareParam(`${n}.bias`, [dim], 'identity', { trainable });
    };
    const fc = (n: string, target: LoraTarget | null, out: number, inp: number): void => {
      this.declareParam(`${n}.weight`, [out, inp], 'linear', { init: trunc(), trainable });
      this.declareParam(`${n}.bias`, [out], 'identity', { trainable });
      if (lora !== null && target !== null && targets.includes(target)) {
        const bound = 1 / Math.sqrt(inp); // peft's kaiming_uniform(a = √5)
        this.declareParam(`${n}.lora_A.weight`, [lora.rank, inp], 'linear', {
          init: tf.initializers.randomUniform({ minval: -bound, maxval: bound, seed: initializerSeed(config.seed, index++) }),
          optional: true,
        });
        this.declareParam(`${n}.lora_B.weight`, [out, lora.rank], 'linear', { optional: true });
        this.#lora.set(n, { prefix: n, scale: lora.alpha / lora.rank });
      }
    };
    const tokens = (config.inputSize / p) ** 2 + 1;
    this.declareParam('patch_embed.proj.weight', [dim, 3, p, p], 'conv2d', { init: trunc(), trainable });
    this.declareParam('patch_embed.proj.bias', [dim], 'identity', { trainable });
    this.declareParam('cls_token', [1, 1, dim], 'identity', { init: trunc(), trainable });
    this.declareParam('pos_embed', [1, tokens, dim], 'identity', { init: trunc(), trainable });
    for (let b = 0; b < depth; b++) {
      norm(`blocks.${b}.norm1`);
      fc(`blocks.${b}.attn.qkv`, 'qkv', 3 * dim, dim);
      fc(`blocks.${b}.attn.proj`, 'proj', dim, dim);
      norm(`blocks.${b}.norm2`);
      fc(`blocks.${b}.mlp.fc1`, 'fc1', hidden, dim);
      fc(`blocks.${b}.mlp.fc2`, 'fc2', dim, hidden);
    }
    norm('norm');
    this.built = true;
  }

  protected get ignoredSources(): readonly (string | RegExp)[] {
    return [/^head\./];
  }

  /** The LoRA adapter weights (A then B of each adapted linear), the only trainable weights in LoRA mode. */
  get loraWeights(): tf.LayerVariable[] {
    const params = this.parameters;
    return [...this.#lora.keys()].flatMap((n) => [params.get(`${n}.lora_A.weight`)!, params.get(`${n}.lora_B.weight`)!]);
  }

  /** Whether the adapters are folded into the base weights (see {@link VitBackbone.mergeLora}). */
  get loraMerged(): boolean {
    return this.#merged;
  }

  /**
   * Fold the adapters into the base weights, W ← W + (alpha / r)·A·B, so the forward pass costs no more than
   * the base model's; the adapters are then skipped until {@link VitBackbone.unmergeLora}. Do not train while
   * merged.
   *
   * @throws Error naming `mergeLora` when there are no adapters or they are already merged
   */
  mergeLora(): void {
    this.#foldLora(1, 'mergeLora');
    this.#merged = true;
  }

  /**
   * Undo {@link VitBackbone.mergeLora}: W ← W − (alpha / r)·A·B (exact up to float32 rounding).
   *
   * @throws Error naming `unmergeLora` when there are no adapters or they are not merged
   */
  unmergeLora(): void {
    this.#foldLora(-1, 'unmergeLora');
    this.#merged = false;
  }

  #foldLora(sign: 1 | -1, fn: string): void {
    if (this.#lora.size === 0) throw new Error(`VitBackbone.${fn}: the model has no LoRA adapters`);
    if ((sign === 1) === this.#merged) throw new Error(`VitBackbone.${fn}: adapters are ${this.#merged ? 'already' : 'not'} merged`);
    const params = this.parameters;
    tf.tidy(() => {
      for (const { prefix, scale } of this.#lora.values()) {
        const w = params.get(`${prefix}.weight`)!;
        const a = this.param(`${prefix}.lora_A.weight`) as tf.Tensor2D; // [in, r]
        const b = this.param(`${prefix}.lora_B.weight`) as tf.Tensor2D; // [r, out]
        w.write(tf.add(w.read(), tf.mul(tf.matMul(a, b), sign * scale))); // [in, out]
      }
    });
  }

  /** A linear layer with its adapter (unless merged): x·W + b + s·(x·A)·B. */
  private linear(x: tf.Tensor, n: string): tf.Tensor {
    const y = linear(x, this.param(`${n}.weight`), this.param(`${n}.bias`));
    const site = this.#lora.get(n);
    if (site === undefined || this.#merged) return y;
    const low = linear(x, this.param(`${n}.lora_A.weight`), null); // [..., r]
    return tf.add(y, tf.mul(linear(low, this.param(`${n}.lora_B.weight`), null), site.scale));
  }

  private norm(x: tf.Tensor, n: string): tf.Tensor {
    return layerNorm(x, this.param(`${n}.weight`), this.param(`${n}.bias`), EPS);
  }

  protected forwardNormalized(input: tf.Tensor4D): tf.Tensor2D {
    const { patchSize: p, dim, depth, heads } = this.config;
    const n = input.shape[0];
    const tokens = (this.config.inputSize / p) ** 2 + 1;
    let x = conv2dTorch(input, this.param('patch_embed.proj.weight'), this.param('patch_embed.proj.bias'), p, 0);
    const t = x.shape[1]! * x.shape[2]! + 1;
    if (t !== tokens) {
      throw new Error(
        `VitBackbone: input [${input.shape.join(', ')}] gives ${t} tokens, the position embedding has ${tokens} (inputSize ${this.config.inputSize})`,
      );
    }
    x = tf.reshape(x, [n, t - 1, dim]); // [N, T−1, D], patches row-major as torch's flatten(2)
    const cls = tf.tile(this.param('cls_token'), [n, 1, 1]); // [N, 1, D]
    x = tf.add(tf.concat([cls, x], 1), this.param('pos_embed')); // [N, T, D]
    const hd = dim / heads;
    for (let b = 0; b < depth; b++) {
      const pre = `blocks.${b}`;
      const qkv = this.linear(this.norm(x, `${pre}.norm1`), `${pre}.attn.qkv`); // [N, T, 3D]
      // [N, T, 3·heads, hd] → [N, 3·heads, T, hd] → q, k, v: a rank-4 transpose (wasm runs rank-5 ones ~100× slower)
      const [q, k, v] = tf.split(tf.transpose(tf.reshape(qkv, [n, t, 3 * heads, hd]), [0, 2, 1, 3]), 3, 1) as [
        tf.Tensor4D,
        tf.Tensor4D,
        tf.Tensor4D,
      ]; // each [N, heads, T, hd]
      const heads4 = attention(q, k, v, hd ** -0.5); // softmax(q·kᵀ/√hd)·v: [N, heads, T, hd]
      const o = tf.reshape(tf.transpose(heads4, [0, 2, 1, 3]), [n, t, dim]); // [N, T, D]
      x = tf.add(x, this.linear(o, `${pre}.attn.proj`));
      const h = geluExact(this.linear(this.norm(x, `${pre}.norm2`), `${pre}.mlp.fc1`)); // [N, T, hidden]
      x = tf.add(x, this.linear(h, `${pre}.mlp.fc2`));
    }
    x = this.norm(x, 'norm');
    return tf.reshape(tf.slice(x, [0, 0, 0], [n, 1, dim]), [n, dim]) as tf.Tensor2D; // class token [N, D]
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { lora, ...rest } = this.config;
    return {
      ...super.getConfig(),
      ...(rest as unknown as tf.serialization.ConfigDict),
      ...this.commonConfig(),
      lora: lora === null ? null : { rank: lora.rank, alpha: lora.alpha, targets: [...(lora.targets ?? ['qkv'])] },
    };
  }

  /** Rebuild from {@link VitBackbone.getConfig} (fresh weights, adapters unmerged). */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const { inputSize, inputRange, patchSize, dim, depth, heads, mlpRatio, lora, seed, mean, std, ...args } =
      config as unknown as VitConfig & BackboneLayerArgs;
    return new (cls as unknown as typeof VitBackbone)(
      { inputSize, inputRange, patchSize, dim, depth, heads, mlpRatio, lora, seed, ...(mean === undefined ? {} : { mean }), ...(std === undefined ? {} : { std }) },
      args,
    ) as unknown as T;
  }
}

tf.serialization.registerClass(VitBackbone);
