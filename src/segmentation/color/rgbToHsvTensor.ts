import * as tf from '@tensorflow/tfjs';
import { FLT_EPSILON } from './colorInput.js';
import { checkRgbTensor, unitChannels } from './rgbTensorInput.js';

/**
 * Batched float HSV on any tfjs backend: the tensor version of {@link rgbToHsv} (same formulas and ranges).
 *
 * With R, G, B = value / 255: V = max, S = Δ/(V + ε), H in degrees from the max channel's sector, plus 360 when
 * negative (Δ = V − min, ε = FLT_EPSILON as OpenCV). Grays get H = 0, S = 0. Element-wise ops and `where` only;
 * runs inside `tf.tidy`; the caller disposes the result.
 *
 * @param images - RGB batch, shape [N, H, W, 3] (any [..., 3]), dtype float32 or int32, values in [0, 255]
 * @returns HSV batch, same shape, float32; H in [0, 360) degrees, S and V in [0, 1]
 * @throws TypeError `rgbToHsvTensor: …` for a last dimension other than 3 or another dtype
 * @example
 * const hsv = rgbToHsvTensor(tf.tensor4d([0, 0, 255], [1, 1, 1, 3])); // ≈ [240, 1, 1]
 */
export function rgbToHsvTensor(images: tf.Tensor): tf.Tensor {
  checkRgbTensor(images, 'rgbToHsvTensor');
  return tf.tidy(() => {
    const [r, g, b] = unitChannels(images); // [..., 1]
    const v = tf.maximum(tf.maximum(r, g), b);
    const vmin = tf.minimum(tf.minimum(r, g), b);
    const diff = tf.sub(v, vmin);
    const k = tf.div(60, tf.add(diff, FLT_EPSILON));
    const hR = tf.mul(tf.sub(g, b), k);
    const hG = tf.add(tf.mul(tf.sub(b, r), k), 120);
    const hB = tf.add(tf.mul(tf.sub(r, g), k), 240);
    const h0 = tf.where(tf.equal(v, r), hR, tf.where(tf.equal(v, g), hG, hB));
    const h = tf.where(tf.less(h0, 0), tf.add(h0, 360), h0);
    const s = tf.div(diff, tf.add(v, FLT_EPSILON));
    return tf.concat([h, s, v], -1); // [..., 3]
  });
}
