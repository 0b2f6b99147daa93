import * as tf from '@tensorflow/tfjs';
import { ensureBackend } from '../../backend/ensureBackend.js';
import type { RgbImage } from '../../io/image/rgbImage.js';
import type { ImageEmbedder } from './imageEmbedder.js';

/**
 * Embed decoded images in one forward pass, with the steps of `embedImages`: resize to the backbone's
 * `inputSize` (bilinear, half-pixel centres) when needed, normalise with the backbone's `mean`/`std` for
 * `inputRange: 'normalized'` backbones, `backbone.embed`; or, for a backbone with `embedPixels` (an ONNX model),
 * the resized [0, 255] pixels to `embedPixels` (which normalises itself).
 *
 * @param backbone - the backbone (its weights are not changed): a built-in `Backbone` or any {@link ImageEmbedder}
 * @param images - contiguous {@link RgbImage}s [H, W, 3], uint8, any sizes; may be empty
 * @returns one [D] float32 array per image (each with its own buffer), in order; no tensor is left allocated
 * @example
 * const [z] = await embedPixelBatch(backbone, [await decodeImageBytes(bytes)]); // z: Float32Array [D]
 */
export async function embedPixelBatch(backbone: ImageEmbedder, images: readonly RgbImage[]): Promise<Float32Array[]> {
  if (images.length === 0) return [];
  await ensureBackend(); // the resize runs on tfjs, also for an ONNX embedder: set up the default backend first
  const size = backbone.inputSize;
  const d = backbone.embeddingSize;
  const pixels = new Float32Array(images.length * size * size * 3);
  for (const [i, image] of images.entries()) pixels.set(await resizeToSquare(image, size), i * size * size * 3);
  if (typeof backbone.embedPixels === 'function') {
    const values = await backbone.embedPixels(pixels, images.length); // [N, D]
    return images.map((_, i) => values.slice(i * d, (i + 1) * d));
  }
  const z = tf.tidy(() => {
    const x = tf.tensor4d(pixels, [images.length, size, size, 3]); // [N, S, S, 3] in [0, 255]
    return backbone.embed(backbone.inputRange === 'uint8' ? x : normalizeFor(backbone, x)); // [N, D]
  });
  const values = (await z.data()) as Float32Array;
  z.dispose();
  return images.map((_, i) => values.slice(i * d, (i + 1) * d));
}

/** (x / 255 − mean) / std with the backbone's statistics, for backbones built with `inputRange: 'normalized'`. */
function normalizeFor(backbone: ImageEmbedder, x: tf.Tensor4D): tf.Tensor4D {
  const mean = tf.tensor1d(backbone.mean.map((m) => m * 255));
  const std = tf.tensor1d(backbone.std.map((s) => s * 255));
  return tf.div(tf.sub(x, mean), std) as tf.Tensor4D;
}

/** The image as float32 [size, size, 3] in [0, 255], resized bilinearly (half-pixel centres) when needed. */
async function resizeToSquare(image: RgbImage, size: number): Promise<Float32Array> {
  const [h, w] = image.shape as [number, number, number];
  if (h === size && w === size) return Float32Array.from(image.data);
  const resized = tf.tidy(() => tf.image.resizeBilinear(tf.tensor3d(image.data, [h, w, 3], 'int32'), [size, size], false, true));
  // Read back asynchronously: WebGPU's synchronous read goes through a WebGPU canvas, which fails in workers.
  try {
    return (await resized.data()) as Float32Array;
  } finally {
    resized.dispose();
  }
}
