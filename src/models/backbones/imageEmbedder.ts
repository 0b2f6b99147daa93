import type * as tf from '@tensorflow/tfjs';
import type { BackboneInputRange } from './backbone.js';

/**
 * What the frozen embedding path (`embedImages`, `embedPixelBatch`, `embedImagesPool`, `backboneFingerprint`)
 * needs of a backbone: a function images [N, H, W, 3] → embeddings [N, D] with its input conventions and the
 * bytes that identify it. The built-in architectures ({@link Backbone}: ResNet, ConvNeXt, ViT) and any saved
 * tfjs layers or graph model wrapped in a `FrozenModelBackbone` implement it, and so does an ONNX model on
 * onnxruntime (`OnnxEmbedder`, through the asynchronous `embedPixels`).
 *
 * Shape key: N images, H = W = `inputSize`, D = `embeddingSize`.
 *
 * Input convention (the same for every implementation): with `inputRange: 'uint8'`, `embed` takes RGB in
 * [0, 255] and computes `(x / 255 − mean) / std` itself; with `'normalized'`, it takes already-normalised
 * values and the embedding functions normalise with `mean`/`std` before calling it.
 */
export interface ImageEmbedder {
  /**
   * A short label of the family (`'resnet'`, `'convnext'`, `'vit'`, `'tfjs-layers'`, `'tfjs-graph'`): the id's
   * prefix and so part of a cache folder name; lower-case letters, digits and hyphens (`/^[a-z0-9][a-z0-9-]*$/`).
   */
  readonly architecture: string;
  /** Size D of the embeddings. */
  readonly embeddingSize: number;
  /** Side of the square images the embedding functions resize to (pixels). */
  readonly inputSize: number;
  /** How `embed` expects its input scaled, see {@link BackboneInputRange}. */
  readonly inputRange: BackboneInputRange;
  /** Per-channel RGB means on the [0, 1] scale. */
  readonly mean: readonly [number, number, number];
  /** Per-channel RGB standard deviations on the [0, 1] scale. */
  readonly std: readonly [number, number, number];
  /**
   * Embed a batch of images.
   *
   * @param images - [N, H, W, 3] float32 or int32, scaled as `inputRange` says
   * @returns [N, D] float32, a new tensor the caller disposes
   */
  embed(images: tf.Tensor): tf.Tensor2D;
  /**
   * Embed a batch of images outside tfjs, asynchronously (e.g. an `OnnxEmbedder` on onnxruntime). When present,
   * the embedding functions (`embedPixelBatch`, `embedImages`, `embedImagesPool`) use it instead of `embed`, and
   * give it RGB in [0, 255] whatever `inputRange` says (it normalises itself).
   *
   * @param pixels - [N, S, S, 3] RGB in [0, 255], row-major (S = `inputSize`)
   * @param n - N
   * @returns [N, D] float32, row-major
   */
  embedPixels?(pixels: Float32Array, n: number): Promise<Float32Array>;
  /**
   * The bytes that identify the function computed (configuration and every weight value, no tfjs object
   * names that vary between runs), in a fixed order; `backboneFingerprint` hashes their concatenation.
   *
   * @returns byte chunks; no tensor is left allocated
   */
  fingerprintBytes(): Promise<Uint8Array[]>;
  /** Release the weights. */
  dispose(): unknown;
}
