/**
 * Test helper: OpenCV's `cvtColor` outputs on 8,859 RGB colours (`golden-colors.json` in the shared
 * reference folder), loaded once, plus comparison helpers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REFERENCE_DIR } from '../../helpers/shared.js';
import { createRgbImage } from '../../../src/io/image/rgbImage.js';
import type { RgbImage } from '../../../src/io/image/rgbImage.js';

/** Tolerance for float outputs against OpenCV's float32 path (the reference is rounded to 5 decimals). */
export const FLOAT_TOLERANCE = 1e-4;
/** Tolerance for float32 tfjs tensors against the typed-array versions. */
export const TENSOR_TOLERANCE = 1e-3;

export type GoldenKey =
  | 'hsv8' | 'hsvF32' | 'hsvFull8' | 'hls8' | 'hlsF32' | 'hlsFull8' | 'lab8' | 'labF32'
  | 'ycrcb8' | 'ycrcbF32' | 'gray8' | 'grayF32' | 'cmykF64';

interface GoldenFile {
  rgb: number[][];
  [key: string]: unknown;
}

let cache: { file: GoldenFile; image: RgbImage } | undefined;

function load(): { file: GoldenFile; image: RgbImage } {
  if (cache === undefined) {
    const file = JSON.parse(readFileSync(join(REFERENCE_DIR, 'golden-colors.json'), 'utf8')) as GoldenFile;
    const image = createRgbImage(file.rgb.length, 1, Uint8Array.from(file.rgb.flat()));
    cache = { file, image };
  }
  return cache;
}

/** All golden colours as a 1 x N RGB image. */
export function goldenImage(): RgbImage {
  return load().image;
}

/** The golden colours as [r, g, b] triples. */
export function goldenRgb(): number[][] {
  return load().file.rgb;
}

/** One golden output, flattened (N · channels values). */
export function golden(key: GoldenKey): number[] {
  return (load().file[key] as number[][]).flat();
}

/** Summary of the differences between a result and a reference. */
export interface Diff {
  /** Largest absolute difference. */
  max: number;
  /** Number of values differing by more than the tolerance. */
  count: number;
}

/** Compare `actual` to `expected` element-wise. */
export function diff(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 0): Diff {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} !== ${expected.length}`);
  let max = 0;
  let count = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (!(d <= max)) max = d;
    if (!(d <= tolerance)) count++;
  }
  return { max, count };
}

/** A 1 x N image of the given colours. */
export function pixels(...colours: [number, number, number][]): RgbImage {
  return createRgbImage(colours.length, 1, Uint8Array.from(colours.flat()));
}

/** Degenerate colours: black, white and grays (achromatic: hue 0, saturation 0). */
export const GRAYS: [number, number, number][] = [0, 1, 17, 127, 128, 200, 254, 255].map((v) => [v, v, v]);
