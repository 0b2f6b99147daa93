import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkOneOf, checkOptions, checkString, checkThat } from '../../core/index.js';
import { IMAGENET_MEAN, IMAGENET_STD } from './backbone.js';
import type { BackboneInputRange } from './backbone.js';
import { checkChannelTriple } from './checkChannelTriple.js';
import type { ImageEmbedder } from './imageEmbedder.js';

/**
 * Options of {@link FrozenModelBackbone} (plain values only, so that they fit in a structured-cloneable
 * `BackboneSpec` sent to worker threads).
 */
export interface FrozenModelBackboneOptions {
  /**
   * Side of the square images fed to the model (pixels); `embedImages` resizes to it. Defaults to the model's
   * input height when its input shape is static and square; required when the model takes any size.
   */
  inputSize?: number;
  /**
   * How `embed` takes its input, as for the built-in backbones: `'uint8'` (RGB in [0, 255]; the model is fed
   * `(x / 255 − mean) / std`) or `'normalized'` (fed unchanged). Defaults to `'uint8'`.
   */
  inputRange?: BackboneInputRange;
  /**
   * Per-channel RGB means on the [0, 1] scale of the model's training. Defaults to ImageNet's
   * [0.485, 0.456, 0.406]. A model that takes [0, 1] input: mean [0, 0, 0], std [1, 1, 1]; [−1, 1]: mean
   * and std [0.5, 0.5, 0.5]; [0, 255] (rescaling inside the model): mean [0, 0, 0], std [1/255, 1/255, 1/255].
   */
  mean?: readonly number[];
  /** Per-channel RGB standard deviations on the [0, 1] scale. Defaults to ImageNet's [0.229, 0.224, 0.225]. */
  std?: readonly number[];
  /**
   * Graph models only: the node whose output is the embedding (any node of the graph, e.g. the pooling
   * before the classifier: `'StatefulPartitionedCall/model/avg_pool/Mean'`). Defaults to the model's only output.
   */
  outputNode?: string;
}

type Model = tf.LayersModel | tf.GraphModel;

const FN = 'FrozenModelBackbone';

function shapeText(shape: readonly (number | null)[] | undefined): string {
  return shape === undefined ? 'unknown' : `[${shape.map((d) => (d === null || d < 0 ? '?' : d)).join(', ')}]`;
}

/** {@link FrozenModelBackboneOptions} after {@link checkFrozenModelBackboneOptions}: defaults filled in. */
export interface CheckedFrozenModelBackboneOptions {
  /** The given input size, or null when not given (then read from the model). */
  inputSize: number | null;
  /** `'uint8'` or `'normalized'`. */
  inputRange: BackboneInputRange;
  /** Per-channel means, frozen. */
  mean: readonly [number, number, number];
  /** Per-channel standard deviations, frozen. */
  std: readonly [number, number, number];
  /** The given output node, or null. */
  outputNode: string | null;
}

/**
 * Check the options of a {@link FrozenModelBackbone} without a model, so that a wrong value fails before any
 * model is loaded (the constructor and `checkBackboneSpec` share this check).
 *
 * @param options - the options to check (any value: undefined means `{}`)
 * @param kind - the model kind when known (`'layers'` forbids `outputNode`), or null
 * @param where - the public function and the options' path, as the messages start: `'FrozenModelBackbone: '` or
 *   `'embedImagesPool: spec.options.'`
 * @returns the options with their defaults (ImageNet mean/std, `'uint8'`)
 * @throws {ArgumentError} starting with `where` and naming the value when `options` is not an object, or for an
 *   `inputSize` that is not a positive integer, an `inputRange` other than `'uint8'` / `'normalized'`, a
 *   `mean` / `std` that is not 3 finite numbers (std positive), an `outputNode` that is not a non-empty string
 *   or `outputNode` with `kind` `'layers'`
 * @example
 * checkFrozenModelBackboneOptions({ std: [1, 0, 1] }, null, 'f: '); // throws "f: std must be 3 finite positive numbers, got [1, 0, 1]"
 */
export function checkFrozenModelBackboneOptions(
  options: unknown,
  kind: 'layers' | 'graph' | null,
  where: string,
): CheckedFrozenModelBackboneOptions {
  // `where` is 'fn: ' or 'fn: path.': the public function, then the options' path.
  const colon = where.indexOf(': ');
  const fn = colon < 0 ? where : where.slice(0, colon);
  const path = colon < 0 ? '' : where.slice(colon + 2);
  const o = checkOptions(fn, options as object | undefined, path === '' ? 'options' : path.replace(/[.]$/, '')) as Record<string, unknown>;
  const inputRange = checkOneOf(fn, `${path}inputRange`, o.inputRange ?? 'uint8', ['uint8', 'normalized'] as const);
  const inputSize = o.inputSize ?? null;
  if (inputSize !== null) {
    checkThat(typeof inputSize === 'number' && Number.isSafeInteger(inputSize) && inputSize >= 1, fn, `${path}inputSize`, 'a positive integer', inputSize);
  }
  const outputNode = o.outputNode ?? null;
  if (outputNode !== null) checkString(fn, `${path}outputNode`, outputNode);
  if (outputNode !== null && kind === 'layers') {
    throw new ArgumentError(
      fn,
      `${path}outputNode`,
      'absent for a layers model (it is for graph models; for a layers model build one that ends at the layer: ' +
        'tf.model({ inputs: model.inputs, outputs: model.getLayer(name).output }))',
      outputNode,
    );
  }
  return {
    inputSize: inputSize as number | null,
    inputRange,
    mean: checkChannelTriple(fn, `${path}mean`, o.mean ?? IMAGENET_MEAN, false),
    std: checkChannelTriple(fn, `${path}std`, o.std ?? IMAGENET_STD, true),
    outputNode: outputNode as string | null,
  };
}

/**
 * Any tfjs `LayersModel` or `GraphModel` used as a frozen image backbone: images [N, H, W, 3] → embeddings
 * [N, D], for `embedImages`, `embedPixelBatch` and (built from a `BackboneSpec` with a `model` location)
 * `embedImagesPool`. Load the model with `loadLayersModelFrom` / `loadGraphModelFrom` (a folder, a `file:` or
 * http(s) URL), or use {@link loadModelBackbone} which does both steps.
 *
 * Shape key: N images, H = W = `inputSize`, D = `embeddingSize`; the model's output [N, D] is the embedding,
 * an output [N, h, w, C] is averaged over h and w (global average pooling, D = C); other ranks are errors.
 *
 * Frozen: a layers model is set to `trainable = false`, nothing here trains it, and the wrapper has no
 * trainable weights of its own. The wrapper owns the model: {@link FrozenModelBackbone.dispose} disposes it.
 *
 * At construction the model is checked (one input, one output or a known `outputNode`, input rank 4 with 3
 * channels, output rank 2 or 4) and, unless the output shape is static, run once on zeros [b, S, S, 3] to read
 * D (b: the input's fixed batch size, else 1). A model with a fixed batch size b is run in chunks of b images,
 * the last chunk padded with zero images whose rows are dropped. An int32-input model gets the normalised
 * values rounded to the nearest integer (clipped to the int32 range); an int32 output is pooled as float32.
 *
 * @example
 * const model = await loadLayersModelFrom('models/my-cnn');          // [N, 96, 96, 3] → [N, 6, 6, 256]
 * const backbone = new FrozenModelBackbone(model, { mean: [0, 0, 0], std: [1, 1, 1] }); // model takes [0, 1]
 * backbone.embeddingSize;                                             // 256 (global average pooled)
 * const { images } = await embedImages(backbone, paths, { cacheDir: '.cache/embeddings' });
 */
export class FrozenModelBackbone implements ImageEmbedder {
  /** `'tfjs-layers'` or `'tfjs-graph'`: the prefix of the content id. */
  readonly architecture: 'tfjs-layers' | 'tfjs-graph';
  /** Size D of the embeddings. */
  readonly embeddingSize: number;
  /** Side of the square inputs (pixels). */
  readonly inputSize: number;
  /** How inputs are scaled, see {@link BackboneInputRange}. */
  readonly inputRange: BackboneInputRange;
  /** Per-channel means (RGB, [0, 1] scale). */
  readonly mean: readonly [number, number, number];
  /** Per-channel standard deviations (RGB, [0, 1] scale). */
  readonly std: readonly [number, number, number];
  /** The wrapped model (owned: disposed with the backbone). */
  readonly model: Model;
  /** Graph models: the node whose output is read; layers models: null. */
  readonly outputNode: string | null;
  readonly #inputDtype: 'float32' | 'int32';
  /** The side of a static model input, or null when the model takes any size. */
  readonly #staticSize: number | null;
  /** The batch size of a model input with a fixed batch dimension, or null when N is dynamic. */
  readonly #fixedBatch: number | null;
  #disposed = false;

  /**
   * @param model - a `tf.LayersModel` or `tf.GraphModel` with one image input [N, H, W, 3] (N, H, W may be
   *   dynamic; a fixed N is run in chunks of N) and an output [N, D] or [N, h, w, C]
   * @param options - see {@link FrozenModelBackboneOptions}
   * @throws TypeError naming `FrozenModelBackbone` and the value when `model` is not a tfjs model, has several
   *   inputs or (layers) outputs, an input that is not [N, H, W, 3], a non-square static input or one that
   *   differs from `inputSize`, no `inputSize` for a dynamic input, an unknown `outputNode`, `outputNode` on a
   *   layers model, an output that is not 2-D or 4-D, or bad options (see {@link checkFrozenModelBackboneOptions})
   */
  constructor(model: Model, options: FrozenModelBackboneOptions = {}) {
    const isLayers = model instanceof tf.LayersModel;
    if (!isLayers && !(model instanceof tf.GraphModel)) {
      throw new ArgumentError(FN, 'model', 'a tf.LayersModel or tf.GraphModel', model);
    }
    this.model = model;
    this.architecture = isLayers ? 'tfjs-layers' : 'tfjs-graph';
    const checked = checkFrozenModelBackboneOptions(options, isLayers ? 'layers' : 'graph', `${FN}: options.`);
    this.inputRange = checked.inputRange;
    this.mean = checked.mean;
    this.std = checked.std;

    // One image input [N, H, W, 3].
    const inputs = model.inputs;
    if (inputs.length !== 1) {
      throw new TypeError(`${FN}: expected a model with one image input, got ${inputs.length} inputs`);
    }
    const input = inputs[0]!;
    const inShape = input.shape as (number | null)[] | undefined;
    const known = (d: number | null | undefined): d is number => typeof d === 'number' && d >= 0;
    if (inShape !== undefined && (inShape.length !== 4 || (known(inShape[3]) && inShape[3] !== 3))) {
      throw new TypeError(`${FN}: expected a model input [N, H, W, 3], got ${shapeText(inShape)}`);
    }
    this.#inputDtype = input.dtype === 'int32' ? 'int32' : 'float32';
    const h = inShape?.[1];
    const w = inShape?.[2];
    const staticSize = known(h) && known(w) ? h : null;
    if (known(h) && known(w) && h !== w) {
      throw new TypeError(`${FN}: the model's input ${shapeText(inShape)} is not square (images are resized to squares)`);
    }
    const inputSize = checked.inputSize ?? staticSize;
    if (inputSize === null) {
      throw new TypeError(`${FN}: the model takes any image size (input ${shapeText(inShape)}): pass options.inputSize`);
    }
    if (staticSize !== null && inputSize !== staticSize) {
      throw new TypeError(`${FN}: inputSize ${inputSize} differs from the model's input ${shapeText(inShape)}`);
    }
    this.inputSize = inputSize;
    this.#staticSize = staticSize;
    const n = inShape?.[0];
    this.#fixedBatch = known(n) && n > 0 ? n : null;

    // The output: one for layers models; the only output or a named node for graph models.
    if (isLayers) {
      if (model.outputs.length !== 1) {
        throw new TypeError(`${FN}: expected a layers model with one output, got ${model.outputs.length} outputs`);
      }
      this.outputNode = null;
      model.trainable = false;
    } else {
      const outputs = model.outputNodes;
      if (checked.outputNode === null && outputs.length !== 1) {
        throw new TypeError(`${FN}: the graph model has ${outputs.length} outputs (${outputs.join(', ')}): pass options.outputNode`);
      }
      this.outputNode = checked.outputNode ?? outputs[0]!;
    }
    const outShape = isLayers ? (model.outputs[0]!.shape as (number | null)[]) : undefined;
    const d = outShape !== undefined && (outShape.length === 2 || outShape.length === 4) ? outShape.at(-1) : undefined;
    if (outShape !== undefined && outShape.length !== 2 && outShape.length !== 4) {
      throw new TypeError(`${FN}: expected a model output [N, D] or [N, h, w, C], got ${shapeText(outShape)}`);
    }
    this.embeddingSize = known(d) ? d : this.#probe();
  }

  /** Run the model once on zeros [b, S, S, 3] (b: the fixed batch size, else 1) and return D (checks the output node and rank). */
  #probe(): number {
    return tf.tidy(() => {
      const y = this.#run(tf.zeros([this.#fixedBatch ?? 1, this.inputSize, this.inputSize, 3], this.#inputDtype) as tf.Tensor4D);
      return y.shape[1];
    });
  }

  /** The model's output for model-ready input, pooled to [N, D] (inside a tidy). */
  #run(x: tf.Tensor4D): tf.Tensor2D {
    let y: tf.Tensor;
    if (this.model instanceof tf.LayersModel) {
      y = this.model.predict(x, { batchSize: Math.max(1, x.shape[0]) }) as tf.Tensor;
    } else {
      const node = this.outputNode!;
      try {
        y = this.model.execute(x, node) as tf.Tensor;
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        throw new TypeError(`${FN}: cannot run the graph model to node ${JSON.stringify(node)}: ${why}`, { cause: e });
      }
    }
    if (y.rank === 4) return tf.mean(tf.cast(y, 'float32'), [1, 2]) as tf.Tensor2D; // [N, h, w, C] → [N, C]
    if (y.rank !== 2) {
      throw new TypeError(`${FN}: expected a model output [N, D] or [N, h, w, C], got [${y.shape.join(', ')}]`);
    }
    return tf.cast(y, 'float32') as tf.Tensor2D;
  }

  /**
   * Embed a batch of images.
   *
   * @param images - [N, H, W, 3], float32 or int32; RGB in [0, 255] when `inputRange` is `'uint8'`, else
   *   normalised. H and W need not equal `inputSize` when the model takes other sizes.
   * @returns [N, D] float32, a new tensor the caller disposes
   * @throws TypeError naming `FrozenModelBackbone.embed` and the shape when the input is not [N, H, W, 3] or
   *   not the size of a static model input, or after `dispose`
   * @example
   * const z = backbone.embed(tf.zeros([2, 96, 96, 3])); // [2, D]
   */
  embed(images: tf.Tensor): tf.Tensor2D {
    if (this.#disposed) throw new TypeError(`${FN}.embed: the backbone is disposed`);
    if (images.rank !== 4 || images.shape[3] !== 3) {
      throw new TypeError(`${FN}.embed: expected images [N, H, W, 3], got [${images.shape.join(', ')}]`);
    }
    const s = this.#staticSize;
    if (s !== null && (images.shape[1] !== s || images.shape[2] !== s)) {
      throw new TypeError(`${FN}.embed: the model takes [N, ${s}, ${s}, 3] images, got [${images.shape.join(', ')}]`);
    }
    return tf.tidy(() => {
      let x = tf.cast(images, 'float32') as tf.Tensor4D; // [N, H, W, 3]
      if (this.inputRange === 'uint8') {
        const mean = tf.tensor1d(this.mean.map((m) => m * 255));
        const invStd = tf.tensor1d(this.std.map((s) => 1 / (s * 255)));
        x = tf.mul(tf.sub(x, mean), invStd) as tf.Tensor4D; // (x/255 − mean)/std
      }
      if (this.#inputDtype === 'int32') {
        // Rounded to the nearest integer (not truncated) and kept in the int32 range.
        x = tf.cast(tf.clipByValue(tf.round(x), -2147483648, 2147483647), 'int32') as tf.Tensor4D;
      }
      return this.#inChunks(x); // [N, D]
    });
  }

  /**
   * The model on [N, S, S, 3]; a model with a fixed batch size b gets chunks of exactly b images (the last one
   * padded with zero images whose rows are dropped). Inside a tidy.
   */
  #inChunks(x: tf.Tensor4D): tf.Tensor2D {
    const b = this.#fixedBatch;
    const n = x.shape[0];
    if (b === null || n === b) return this.#run(x);
    if (n === 0) return tf.zeros([0, this.embeddingSize]) as tf.Tensor2D;
    const parts: tf.Tensor2D[] = [];
    for (let start = 0; start < n; start += b) {
      const rows = Math.min(b, n - start);
      let chunk = tf.slice(x, [start, 0, 0, 0], [rows, -1, -1, -1]);
      if (rows < b) chunk = tf.pad(chunk, [[0, b - rows], [0, 0], [0, 0], [0, 0]]);
      const y = this.#run(chunk); // [b, D]
      parts.push(rows < b ? tf.slice(y, [0, 0], [rows, -1]) : y);
    }
    return (parts.length === 1 ? parts[0]! : tf.concat(parts, 0)) as tf.Tensor2D;
  }

  /**
   * What `backboneFingerprint` hashes: a JSON header (kind, topology as saved without the tfjs version, output
   * node, input settings, and the name, shape and dtype of every weight), then the bytes of every weight in a fixed order (layers
   * models: `model.weights` order; graph models: by weight name). Layer and node names are part of the
   * topology, so the same model saved and loaded again has the same id, while the same architecture built
   * twice in memory (other generated names) may not.
   *
   * @returns the byte chunks; no tensor is left allocated
   */
  async fingerprintBytes(): Promise<Uint8Array[]> {
    if (this.#disposed) throw new TypeError(`${FN}.fingerprintBytes: the backbone is disposed`);
    const weights: { name: string; tensor: tf.Tensor }[] = [];
    let topology: unknown;
    if (this.model instanceof tf.LayersModel) {
      // Without the tfjs version fields, so that a tfjs upgrade keeps the cache.
      const { keras_version: _version, backend: _backend, ...rest } = this.model.toJSON(undefined, false) as Record<string, unknown>;
      topology = rest;
      for (const v of this.model.weights) weights.push({ name: v.originalName, tensor: v.read() });
    } else {
      let artifacts: tf.io.ModelArtifacts | undefined;
      await this.model.save(
        tf.io.withSaveHandler((a) => {
          artifacts = a;
          return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } });
        }),
      );
      topology = artifacts?.modelTopology instanceof ArrayBuffer ? null : (artifacts?.modelTopology ?? null);
      const map = this.model.weights;
      for (const name of Object.keys(map).sort()) {
        map[name]!.forEach((tensor, i) => weights.push({ name: `${name}:${i}`, tensor }));
      }
    }
    const header = {
      kind: this.architecture,
      topology,
      outputNode: this.outputNode,
      inputSize: this.inputSize,
      inputRange: this.inputRange,
      mean: this.mean,
      std: this.std,
      weights: weights.map(({ name, tensor }) => [name, tensor.shape, tensor.dtype]),
    };
    const parts: Uint8Array[] = [new TextEncoder().encode(JSON.stringify(header))];
    for (const { tensor } of weights) {
      const data = await tensor.data();
      if (ArrayBuffer.isView(data)) parts.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      else parts.push(new TextEncoder().encode(JSON.stringify(data))); // string tensors
    }
    return parts;
  }

  /** Dispose the model (and its weights). Further calls do nothing. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.model.dispose();
  }
}
