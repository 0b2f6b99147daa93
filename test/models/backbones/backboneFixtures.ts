/**
 * Reads the PyTorch reference fixtures written by scripts/fixtures/make_backbone_fixtures.py
 * (test/fixtures/backbones): random-weight checkpoints with torchvision/timm names, an input and PyTorch's output.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { parseSafetensors } from '../../../src/io/safetensors/parseSafetensors.js';
import type { SafetensorsFile } from '../../../src/io/safetensors/safetensorsFile.js';

/** Folder of the committed fixtures. */
export const FIXTURE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'backbones');

/** Relative tolerance of the PyTorch agreement: max |Δ| ≤ TOLERANCE · max |output|. */
export const TOLERANCE = 1e-4;

/** The fixture's checkpoint bytes. */
export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURE_DIR, `${name}.safetensors`)));
}

/** The fixture's checkpoint, parsed. */
export function fixtureWeights(name: string): SafetensorsFile {
  return parseSafetensors(fixtureBytes(name), { name });
}

/** Input [N, H, W, 3] in [0, 255] and PyTorch's output [N, D] of a fixture. */
export function fixtureIo(name: string): { input: tf.Tensor4D; output: tf.Tensor2D } {
  const io = parseSafetensors(new Uint8Array(readFileSync(join(FIXTURE_DIR, `${name}.io.safetensors`))));
  const x = io.tensor('input');
  const y = io.tensor('output');
  return {
    input: tf.tensor4d(x.data as Float32Array, x.shape as [number, number, number, number]),
    output: tf.tensor2d(y.data as Float32Array, y.shape as [number, number]),
  };
}

/** Full-size state_dict shapes (name → shape) of torchvision resnet18 and the timm-named modules. */
export function fullSizeKeys(name: string): Record<string, number[]> {
  const all = JSON.parse(readFileSync(join(FIXTURE_DIR, 'keys.json'), 'utf8')) as Record<string, Record<string, number[]>>;
  const keys = all[name];
  if (keys === undefined) throw new Error(`keys.json has no ${name}`);
  return keys;
}

/** max |a − b| and max |b|. */
export function maxDiff(a: tf.Tensor, b: tf.Tensor): { diff: number; scale: number } {
  return tf.tidy(() => ({
    diff: tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!,
    scale: tf.max(tf.abs(b)).dataSync()[0]!,
  }));
}
