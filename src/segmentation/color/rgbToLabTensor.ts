import * as tf from '@tensorflow/tfjs';
import { D65_WHITE, LAB_EPSILON, LAB_KAPPA, SRGB_TO_XYZ } from './labConstants.js';
import { checkRgbTensor } from './rgbTensorInput.js';

/**
 * Batched float CIE L*a*b* (D65) on any tfjs backend: the tensor version of `rgbToLab(image, { method: 'exact' })`.
 *
 * sRGB decoding (u/12.92 below 0.04045, ((u + 0.055)/1.055)^2.4 above), XYZ/white by a 3x3 matMul with
 * OpenCV's matrix, f(t) = t^(1/3) above (6/29)³ else (κ·t + 16)/116, then L* = 116·f(Y) − 16,
 * a* = 500·(f(X) − f(Y)), b* = 200·(f(Y) − f(Z)). Runs inside `tf.tidy`; the caller disposes the result.
 *
 * @param images - RGB batch, shape [N, H, W, 3] (any [..., 3]), dtype float32 or int32, values in [0, 255]
 * @returns Lab batch, same shape, float32; L* in [0, 100], a* in about [−86.2, 98.2], b* in about [−107.9, 94.5]
 * @throws TypeError `rgbToLabTensor: …` for a last dimension other than 3 or another dtype
 * @example
 * const lab = rgbToLabTensor(tf.tensor4d([255, 255, 255], [1, 1, 1, 3])); // ≈ [100, 0, 0]
 */
export function rgbToLabTensor(images: tf.Tensor): tf.Tensor {
  checkRgbTensor(images, 'rgbToLabTensor');
  return tf.tidy(() => {
    const shape = images.shape;
    const u = tf.reshape(tf.div(tf.cast(images, 'float32'), 255), [-1, 3]); // [P, 3]
    // sRGB decoding; the clamp keeps pow's base positive in the branch `where` discards
    const linear = tf.where(
      tf.lessEqual(u, 0.04045),
      tf.div(u, 12.92),
      tf.pow(tf.div(tf.add(tf.maximum(u, 0.04045), 0.055), 1.055), 2.4),
    );
    const m: number[] = [];
    for (let j = 0; j < 3; j++) for (let i = 0; i < 3; i++) m.push(SRGB_TO_XYZ[i * 3 + j]! / D65_WHITE[i]!);
    const xyz = tf.matMul(linear, tf.tensor2d(m, [3, 3])); // [P, 3]: (X/Xn, Y/Yn, Z/Zn)
    const f = tf.where(
      tf.greater(xyz, LAB_EPSILON),
      tf.pow(tf.maximum(xyz, LAB_EPSILON), 1 / 3),
      tf.div(tf.add(tf.mul(xyz, LAB_KAPPA), 16), 116),
    );
    const [fx, fy, fz] = tf.split(f, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor]; // [P, 1]
    const lab = tf.concat(
      [tf.sub(tf.mul(fy, 116), 16), tf.mul(tf.sub(fx, fy), 500), tf.mul(tf.sub(fy, fz), 200)],
      1,
    ); // [P, 3]
    return tf.reshape(lab, shape);
  });
}
