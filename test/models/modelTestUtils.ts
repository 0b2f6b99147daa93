import * as tf from '@tensorflow/tfjs';
import type { PatientBag } from '../../src/models/index.js';
import { seededRandom } from '../../src/core/index.js';

/** Tolerance of float32 tensor comparisons. */
export const FLOAT32_TOLERANCE = 1e-3;

/** Uses the cpu backend (call in beforeAll). */
export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

/** Options of {@link randomBags}. */
export interface RandomBagsOptions {
  readonly patients: number;
  readonly imageDim?: number;
  readonly handmadeDim?: number;
  readonly minImages?: number;
  readonly maxImages?: number;
  readonly seed?: number;
}

/** Random patients with alternating labels (for shape, serialisation and leak tests; no signal). */
export function randomBags(options: RandomBagsOptions): PatientBag[] {
  const random = seededRandom(options.seed ?? 1).next;
  const { imageDim = 0, handmadeDim = 0, minImages = 1, maxImages = 5 } = options;
  const matrix = (rows: number, cols: number): { data: Float32Array; rows: number; cols: number } => ({
    data: Float32Array.from({ length: rows * cols }, () => random() * 2 - 1),
    rows,
    cols,
  });
  return Array.from({ length: options.patients }, (_, i): PatientBag => {
    const n = minImages + Math.floor(random() * (maxImages - minImages + 1));
    return {
      id: `R${i}`,
      label: (i % 2) as 0 | 1,
      age: 40 + 40 * random(),
      lymphCount: 2 + 30 * random(),
      ...(imageDim > 0 ? { images: matrix(n, imageDim) } : {}),
      ...(handmadeDim > 0 ? { handmade: matrix(Math.max(1, n - 1), handmadeDim) } : {}),
    };
  });
}

/**
 * Central finite-difference check of d f / d x for every entry of `x` (float32, so a coarse step and tolerance).
 * @returns The largest absolute difference between analytic and numeric gradients, relative to max(1, |g|).
 */
export function maxGradientError(f: (x: tf.Tensor) => tf.Scalar, x: tf.Tensor, eps = 1e-2): number {
  const analytic = tf.tidy(() => tf.grad(f)(x));
  const g = analytic.dataSync();
  const base = x.dataSync();
  let worst = 0;
  for (let i = 0; i < base.length; i++) {
    const plus = Float32Array.from(base);
    const minus = Float32Array.from(base);
    plus[i] = (plus[i] as number) + eps;
    minus[i] = (minus[i] as number) - eps;
    const fp = tf.tidy(() => f(tf.tensor(plus, x.shape)).dataSync()[0] as number);
    const fm = tf.tidy(() => f(tf.tensor(minus, x.shape)).dataSync()[0] as number);
    const numeric = (fp - fm) / (2 * eps);
    const err = Math.abs(numeric - (g[i] as number)) / Math.max(1, Math.abs(g[i] as number));
    worst = Math.max(worst, err);
  }
  analytic.dispose();
  return worst;
}
