import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A fixture of scripts/fixtures/make_onnx_fixtures.py: the model path and PyTorch's embeddings of fixed inputs. */
export interface OnnxFixture {
  path: string;
  layout: 'NCHW' | 'NHWC';
  mean: [number, number, number];
  std: [number, number, number];
  inputSize: number;
  n: number;
  inputName: string;
  outputs: string[];
  /** [n, S, S, 3] uint8 RGB values. */
  input: number[];
  /** [n, D] PyTorch's embeddings. */
  output: number[];
  embeddingSize: number;
}

export const ONNX_FIXTURE_NAMES = ['tiny_cnn', 'resnet_small'] as const;

export function onnxFixture(name: (typeof ONNX_FIXTURE_NAMES)[number]): OnnxFixture {
  const path = fileURLToPath(new URL(`../../fixtures/onnx/${name}.onnx`, import.meta.url));
  const json = JSON.parse(readFileSync(path.replace(/\.onnx$/, '.json'), 'utf8')) as Omit<OnnxFixture, 'path'>;
  return { path, ...json };
}

/** Largest |a − b| over two equal-length arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
