import type * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkBoolean, checkInteger, checkOneOf, checkOptions, checkString } from '../../../core/index.js';
import { IMAGENET_MEAN, IMAGENET_STD } from '../backbone.js';
import { checkChannelTriple } from '../checkChannelTriple.js';
import type { ImageEmbedder } from '../imageEmbedder.js';
import type { LoadedOnnxRuntime, OnnxRuntimeChoice, OnnxSessionLike } from './loadOnnxRuntime.js';

/** Memory layout of an image tensor: `'NCHW'` (PyTorch, timm, torchvision exports) or `'NHWC'`. */
export type OnnxLayout = 'NCHW' | 'NHWC';
/** How an output with more than 2 axes becomes [N, D]: mean or max over the spatial axes / tokens, or the first token. */
export type OnnxPooling = 'mean' | 'max' | 'cls';

/** Options of an ONNX image embedder (`loadOnnxEmbedder`, and the `{ onnx }` form of `BackboneSpec`). */
export interface OnnxEmbedderOptions {
  /** Side of the square input (pixels). Defaults to the model's input shape when it is fixed, else 224. */
  inputSize?: number;
  /** Per-channel RGB means on the [0, 1] scale. Defaults to ImageNet's `[0.485, 0.456, 0.406]`. */
  mean?: readonly [number, number, number];
  /** Per-channel RGB standard deviations on the [0, 1] scale. Defaults to ImageNet's `[0.229, 0.224, 0.225]`. */
  std?: readonly [number, number, number];
  /** Layout of the model's input. Defaults to what its input shape says (3 on axis 1: NCHW, on axis 3: NHWC), else NCHW. */
  layout?: OnnxLayout;
  /** The model input fed the images. Defaults to the model's first input. */
  inputName?: string;
  /** The model output that is the embedding. Defaults to the model's first output. */
  outputName?: string;
  /**
   * Pooling of an output with more axes than [N, D]: a 4-D feature map (layout `outputLayout`) is pooled over its
   * spatial axes (`'mean'` or `'max'`), a 3-D token sequence [N, T, D] over its tokens or by its first token
   * (`'cls'`). Defaults to `'mean'`.
   */
  pooling?: OnnxPooling;
  /** Layout of a 4-D output. Defaults to `'NCHW'`. */
  outputLayout?: OnnxLayout;
  /**
   * The onnxruntime package: `'node'` (onnxruntime-node, native), `'web'` (onnxruntime-web: wasm, WebGPU in
   * browsers), `'auto'` (node in Node with a one-line fallback to web, web in browsers). Defaults to `'auto'`.
   */
  runtime?: OnnxRuntimeChoice;
  /**
   * onnxruntime execution providers in order of preference, e.g. `['cuda', 'cpu']` (onnxruntime-node with CUDA),
   * `['webgpu', 'wasm']`. Defaults to `['cpu']` (onnxruntime-node), `['wasm']` (onnxruntime-web in Node) or
   * `['webgpu', 'wasm']` (browsers).
   */
  executionProviders?: string[];
  /** Intra-op threads (onnxruntime-node) or wasm threads (onnxruntime-web). Defaults to onnxruntime's (all cores); 1 in `embedImagesPool`'s threads. */
  threads?: number;
  /**
   * Whether onnxruntime-node's intra-op threads spin while they wait for work (its session setting
   * `session.intra_op.allow_spinning`). Spinning saves a little latency on cores nobody else needs; on a machine
   * shared with other work, `false` leaves the cores to it between operators (and can be faster there: see
   * docs/backends.md). Matters only with more than one thread; ignored by onnxruntime-web. Defaults to `true`
   * (onnxruntime's default).
   */
  spinning?: boolean;
}

/** {@link OnnxEmbedderOptions} checked; the model-dependent ones stay undefined until the model is read. */
export interface CheckedOnnxEmbedderOptions {
  inputSize: number | undefined;
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
  layout: OnnxLayout | undefined;
  inputName: string | undefined;
  outputName: string | undefined;
  pooling: OnnxPooling;
  outputLayout: OnnxLayout;
  runtime: OnnxRuntimeChoice;
  executionProviders: string[] | undefined;
  threads: number | undefined;
  spinning: boolean;
}

const LAYOUTS = ['NCHW', 'NHWC'] as const;
const POOLINGS = ['mean', 'max', 'cls'] as const;
const KNOWN = new Set([
  'inputSize', 'mean', 'std', 'layout', 'inputName', 'outputName', 'pooling', 'outputLayout', 'runtime', 'executionProviders', 'threads',
  'spinning',
]);

/**
 * Check the options of an ONNX embedder.
 *
 * @param options - see {@link OnnxEmbedderOptions}
 * @param fn - the public function named in the errors
 * @param prefix - the argument's path, e.g. `'options'` or `'spec.options'`
 * @returns the checked options with their defaults
 * @throws ArgumentError naming `fn` and the option for a value of the wrong kind or an unknown option
 */
export function checkOnnxEmbedderOptions(options: OnnxEmbedderOptions | undefined, fn: string, prefix = 'options'): CheckedOnnxEmbedderOptions {
  const o = checkOptions(fn, options, prefix);
  for (const k of Object.keys(o)) {
    if (!KNOWN.has(k)) throw new ArgumentError(fn, `${prefix}.${k}`, `absent (known: ${[...KNOWN].join(', ')})`, (o as Record<string, unknown>)[k]);
  }
  const eps = o.executionProviders;
  if (eps !== undefined && !(Array.isArray(eps) && eps.length > 0 && eps.every((e) => typeof e === 'string' && e.length > 0))) {
    throw new ArgumentError(fn, `${prefix}.executionProviders`, 'a non-empty array of provider names, e.g. ["cpu"]', eps);
  }
  return {
    inputSize: o.inputSize === undefined ? undefined : checkInteger(fn, `${prefix}.inputSize`, o.inputSize, { min: 1, max: 4096 }),
    mean: o.mean === undefined ? IMAGENET_MEAN : checkChannelTriple(fn, `${prefix}.mean`, o.mean, false),
    std: o.std === undefined ? IMAGENET_STD : checkChannelTriple(fn, `${prefix}.std`, o.std, true),
    layout: o.layout === undefined ? undefined : checkOneOf(fn, `${prefix}.layout`, o.layout, LAYOUTS),
    inputName: o.inputName === undefined ? undefined : checkString(fn, `${prefix}.inputName`, o.inputName),
    outputName: o.outputName === undefined ? undefined : checkString(fn, `${prefix}.outputName`, o.outputName),
    pooling: o.pooling === undefined ? 'mean' : checkOneOf(fn, `${prefix}.pooling`, o.pooling, POOLINGS),
    outputLayout: o.outputLayout === undefined ? 'NCHW' : checkOneOf(fn, `${prefix}.outputLayout`, o.outputLayout, LAYOUTS),
    runtime: o.runtime === undefined ? 'auto' : checkOneOf(fn, `${prefix}.runtime`, o.runtime, ['auto', 'node', 'web'] as const),
    executionProviders: eps === undefined ? undefined : [...eps],
    threads: o.threads === undefined ? undefined : checkInteger(fn, `${prefix}.threads`, o.threads, { min: 1 }),
    spinning: o.spinning === undefined ? true : checkBoolean(fn, `${prefix}.spinning`, o.spinning),
  };
}

/** What an {@link OnnxEmbedder} computes with, resolved against its model. */
export interface OnnxEmbedderConfig {
  inputSize: number;
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
  layout: OnnxLayout;
  inputName: string;
  outputName: string;
  pooling: OnnxPooling;
  outputLayout: OnnxLayout;
}

type Session = OnnxSessionLike;

/**
 * Any ONNX vision model (a timm or torchvision export, a pathology foundation model) as a frozen backbone, run by
 * onnxruntime (onnxruntime-node natively in Node, onnxruntime-web in browsers). It takes images as the embedding
 * functions give them (RGB in [0, 255], NHWC), normalises them with its `mean`/`std`, lays them out as the model
 * wants, runs it and pools the chosen output to [N, D]. onnxruntime runs asynchronously, so it embeds through
 * {@link OnnxEmbedder.embedPixels} (which `embedPixelBatch`, `embedImages` and `embedImagesPool` use), not through
 * the tfjs `embed`. Made by `loadOnnxEmbedder`.
 *
 * Shape key: N images, S = `inputSize`, D = `embeddingSize`.
 */
export class OnnxEmbedder implements ImageEmbedder {
  /** `'onnx'`. */
  readonly architecture = 'onnx';
  /** Takes RGB in [0, 255]: it normalises itself. */
  readonly inputRange = 'uint8' as const;
  readonly inputSize: number;
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
  /** The onnxruntime package it runs on. */
  readonly runtime: LoadedOnnxRuntime['name'];
  private session: Session | null;

  /**
   * @param loaded - the loaded onnxruntime
   * @param session - an inference session of the model (owned: `dispose` releases it)
   * @param modelBytes - the model file, hashed by `fingerprintBytes`
   * @param config - the resolved preprocessing and output settings
   * @param embeddingSize - D
   */
  constructor(
    private readonly loaded: LoadedOnnxRuntime,
    session: Session,
    private readonly modelBytes: Uint8Array,
    readonly config: Readonly<OnnxEmbedderConfig>,
    readonly embeddingSize: number,
  ) {
    this.session = session;
    this.runtime = loaded.name;
    this.inputSize = config.inputSize;
    this.mean = config.mean;
    this.std = config.std;
  }

  /**
   * Not available: onnxruntime runs asynchronously, and `embed` returns a tfjs tensor synchronously. Use
   * {@link OnnxEmbedder.embedPixels}, or `embedPixelBatch` / `embedImages` / `embedImagesPool`, which use it.
   *
   * @throws Error saying so, always
   */
  embed(_images: tf.Tensor): tf.Tensor2D {
    throw new Error('OnnxEmbedder.embed: an ONNX model runs asynchronously; use embedPixels(pixels, n), embedPixelBatch, embedImages or embedImagesPool');
  }

  /**
   * Embed a batch of images.
   *
   * @param pixels - [N, S, S, 3] RGB in [0, 255] (NHWC, row-major)
   * @param n - N
   * @returns [N, D] float32, row-major
   * @throws Error naming the model output when its shape cannot be pooled to [N, D]; onnxruntime's errors
   * @example
   * const z = await embedder.embedPixels(new Float32Array(2 * 224 * 224 * 3), 2); // [2, D]
   */
  async embedPixels(pixels: Float32Array, n: number): Promise<Float32Array> {
    const session = this.session;
    if (session === null) throw new Error('OnnxEmbedder.embedPixels: the embedder was disposed');
    const { inputSize: s, layout, inputName, outputName } = this.config;
    if (pixels.length !== n * s * s * 3) {
      throw new ArgumentError('OnnxEmbedder.embedPixels', 'pixels', `${n} × ${s} × ${s} × 3 = ${n * s * s * 3} values`, `${pixels.length} values`);
    }
    const input = normalizeToLayout(pixels, n, s, this.mean, this.std, layout);
    const dims = layout === 'NCHW' ? [n, 3, s, s] : [n, s, s, 3];
    const tensor = new this.loaded.ort.Tensor('float32', input, dims);
    const out = await session.run({ [inputName]: tensor }, [outputName]);
    tensor.dispose();
    const y = out[outputName];
    if (y === undefined) throw new Error(`OnnxEmbedder: the model has no output ${JSON.stringify(outputName)}`);
    try {
      return poolOutput(Float32Array.from(y.data as ArrayLike<number>), y.dims, n, this.config);
    } finally {
      for (const t of Object.values(out)) t.dispose();
    }
  }

  /**
   * The model file's bytes and the preprocessing and output settings (not the runtime, providers, threads or spinning).
   *
   * @returns byte chunks
   */
  fingerprintBytes(): Promise<Uint8Array[]> {
    const c = this.config;
    const settings = JSON.stringify([c.inputSize, c.mean, c.std, c.layout, c.inputName, c.outputName, c.pooling, c.outputLayout, this.embeddingSize]);
    return Promise.resolve([new TextEncoder().encode(`onnx\u0000${settings}\u0000`), this.modelBytes]);
  }

  /** Release the onnxruntime session. */
  async dispose(): Promise<void> {
    const session = this.session;
    this.session = null;
    await session?.release();
  }
}

/** (x / 255 − mean) / std per channel, from NHWC into `layout`. */
function normalizeToLayout(
  pixels: Float32Array,
  n: number,
  s: number,
  mean: readonly number[],
  std: readonly number[],
  layout: OnnxLayout,
): Float32Array {
  const out = new Float32Array(pixels.length);
  const scale = std.map((v) => 1 / (255 * v));
  const shift = mean.map((m, c) => m / std[c]!);
  const plane = s * s;
  for (let i = 0; i < n; i++) {
    const base = i * plane * 3;
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++) {
        const v = pixels[base + p * 3 + c]! * scale[c]! - shift[c]!;
        out[layout === 'NCHW' ? base + c * plane + p : base + p * 3 + c] = v;
      }
    }
  }
  return out;
}

/**
 * A model output [N, D], [N, T, D] or a 4-D map, pooled to [N, D].
 * @internal
 */
export function poolOutput(data: Float32Array, dims: readonly number[], n: number, config: Pick<OnnxEmbedderConfig, 'pooling' | 'outputLayout' | 'outputName'>): Float32Array {
  const bad = (why: string): Error =>
    new Error(`OnnxEmbedder: output ${JSON.stringify(config.outputName)} of shape [${dims.join(', ')}] ${why}`);
  if (dims[0] !== n) throw bad(`does not have the batch size ${n} on its first axis`);
  if (dims.length === 2) return data;
  let d: number;
  let k: number; // values pooled per feature
  let at: (i: number, f: number, j: number) => number;
  if (dims.length === 3) {
    const [, t, dd] = dims as [number, number, number];
    d = dd;
    k = config.pooling === 'cls' ? 1 : t;
    at = (i, f, j) => data[(i * t + j) * d + f]!;
  } else if (dims.length === 4) {
    if (config.pooling === 'cls') throw bad("is a 4-D map: pooling 'cls' applies to token sequences [N, T, D]; use 'mean' or 'max'");
    const nchw = config.outputLayout === 'NCHW';
    d = nchw ? dims[1]! : dims[3]!;
    k = nchw ? dims[2]! * dims[3]! : dims[1]! * dims[2]!;
    at = nchw ? (i, f, j) => data[(i * d + f) * k + j]! : (i, f, j) => data[(i * k + j) * d + f]!;
  } else {
    throw bad('cannot be pooled to [N, D] (2, 3 or 4 axes expected)');
  }
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < d; f++) {
      let acc = config.pooling === 'max' ? -Infinity : 0;
      for (let j = 0; j < k; j++) acc = config.pooling === 'max' ? Math.max(acc, at(i, f, j)) : acc + at(i, f, j);
      out[i * d + f] = config.pooling === 'max' ? acc : acc / k;
    }
  }
  return out;
}
