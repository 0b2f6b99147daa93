/**
 * Reads the scikit-image reference fixtures written by scripts/fixtures/make_texture_fixtures.py
 * (test/fixtures/texture/texture.json): synthetic inputs only, with graycomatrix/graycoprops,
 * local_binary_pattern and the texture features computed by Debian's python3-skimage.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LbpMethod } from '../../../src/features/texture/index.js';
import type { GlcmPropertyName, TextureFeatureName } from '../../../src/features/texture/index.js';

/** Agreement with scikit-image: |ours − skimage| ≤ TOLERANCE · max(1, |skimage|). */
export const TOLERANCE = 1e-9;

export interface GlcmFixture {
  name: string;
  height: number;
  width: number;
  image: number[];
  levels: number;
  distances: number[];
  angles: number[];
  symmetric: boolean;
  normed: boolean;
  /** [D, A, L, L] row-major. */
  matrices: number[];
  /** Per property, [D, A] row-major. */
  properties: Record<GlcmPropertyName, number[]>;
}

export interface LbpFixture {
  name: string;
  height: number;
  width: number;
  image: number[];
  results: { points: number; radius: number; method: LbpMethod; codes: number[] }[];
}

export interface CellVariant {
  name: string;
  /** Base64 of H·W bytes 0/1. */
  mask: string;
  glcmLevels: number;
  glcmDistances: number[];
  features: Record<TextureFeatureName, number>;
}

export interface CellFixture {
  name: string;
  height: number;
  width: number;
  /** Base64 of H·W·3 RGB bytes. */
  rgb: string;
  variants: CellVariant[];
}

export interface TextureFixtures {
  skimage: string;
  glcm: GlcmFixture[];
  lbp: LbpFixture[];
  cells: CellFixture[];
}

/** The committed fixtures. */
export const FIXTURES: TextureFixtures = JSON.parse(
  readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'texture', 'texture.json'), 'utf8'),
) as TextureFixtures;

/** Decode base64 bytes. */
export function bytes(base64: string): Uint8Array {
  return new Uint8Array(Buffer.from(base64, 'base64'));
}

/** Largest |a − b| / max(1, |b|) over two equally long lists. */
export function worstDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!) / Math.max(1, Math.abs(expected[i]!));
    if (!(d <= worst)) worst = d; // NaN propagates as the worst
  }
  return worst;
}
