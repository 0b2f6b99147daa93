/** Test helper for the tensor colour conversions: cpu backend and a seeded random batch. */
import * as tf from '@tensorflow/tfjs';
import { createRgbImage } from '../../../src/io/image/rgbImage.js';
import type { RgbImage } from '../../../src/io/image/rgbImage.js';
import { goldenImage } from './goldenColors.js';

/** Select tfjs's cpu backend (call in `beforeAll`). */
export async function useCpuBackend(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

/** A deterministic [N, H, W, 3] batch: N images of H x W pseudo-random bytes (LCG, seed 1). */
export function randomImages(n: number, height: number, width: number): RgbImage[] {
  let state = 1;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state >>> 24;
  };
  return Array.from({ length: n }, () => createRgbImage(width, height, Uint8Array.from({ length: height * width * 3 }, next)));
}

/** Stack images of equal size into a [N, H, W, 3] tensor of the given dtype. */
export function toBatch(images: RgbImage[], dtype: 'float32' | 'int32'): tf.Tensor4D {
  const [h, w] = images[0]!.shape as [number, number, number];
  const flat = new Float32Array(images.length * h * w * 3);
  images.forEach((img, i) => flat.set(img.data, i * h * w * 3));
  return tf.tensor4d(dtype === 'int32' ? Int32Array.from(flat) : flat, [images.length, h, w, 3], dtype);
}

/** The golden colours plus a random batch: the inputs every tensor test runs on. */
export function testImages(): RgbImage[][] {
  return [[goldenImage()], randomImages(3, 5, 7)];
}

/** Concatenate typed-array results of several images. */
export function concatData(parts: ArrayLike<number>[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
