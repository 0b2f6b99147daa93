import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChannelTripleOption } from '../../src/cli/commands/embed.js';
import { runCli } from '../../src/cli/runCli.js';
import { encodePng } from '../../src/io/image/encodePng.js';
import { createRgbImage } from '../../src/io/image/rgbImage.js';
import { buildBackbone } from '../../src/models/backbones/backboneSpec.js';
import { embedImages } from '../../src/models/backbones/embedImages.js';
import { captureIo } from '../helpers/captureIo.js';
import { maxAbsDiff, onnxFixture } from '../models/backbones/onnxFixtures.js';

// scripts/fixtures/make_onnx_fixtures.py: a tiny CNN exported from PyTorch with mean = std = 0.5 (not ImageNet's)
// and two outputs, logits first and the embedding ('features', a 4-D map) second.
const F = onnxFixture('tiny_cnn');
const S = F.inputSize;

let dir: string;
let paths: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lymphomix-cli-embed-'));
  const cohort = join(dir, 'cohort');
  await mkdir(join(cohort, 'P1'), { recursive: true });
  await writeFile(join(cohort, 'trainset_true.csv'), 'ID,LABEL,GENDER,DOB,LYMPH_COUNT\nP1,1,M,1/2/1950,12.5\n');
  paths = [];
  // The fixture's inputs as lossless PNGs at the model's size (no resize), so the embeddings must be PyTorch's.
  for (let i = 0; i < F.n; i++) {
    const path = join(cohort, 'P1', `00000${i}.png`);
    await writeFile(path, await encodePng(createRgbImage(S, S, Uint8Array.from(F.input.slice(i * S * S * 3, (i + 1) * S * S * 3)))));
    paths.push(path);
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function embed(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const run = captureIo();
  const code = await runCli(['--json', 'embed', '--data', join(dir, 'cohort'), '--workers', '0', '--batch', '2', ...args], run.io);
  return { code, out: run.out(), err: run.err() };
}

describe('lymphomix embed --onnx with the model\'s preprocessing', () => {
  it('--mean, --std and --output-name reach the embedder: the cached embeddings are PyTorch\'s (1e-4)', async () => {
    const cacheDir = join(dir, 'cache');
    const r = await embed('--onnx', F.path, '--mean', '0.5,0.5,0.5', '--std', '0.5, 0.5, 0.5', '--output-name', 'features', '--layout', 'NCHW', '--cache', cacheDir);
    expect(r.code, r.err).toBe(0);
    const result = JSON.parse(r.out) as { embedded: number; embeddingSize: number; backboneId: string };
    expect(result).toMatchObject({ embedded: F.n, embeddingSize: F.embeddingSize });

    // The library with the same settings finds every image in that cache under the same backbone id.
    const backbone = await buildBackbone({ onnx: { url: F.path }, options: { mean: F.mean, std: F.std, outputName: 'features' } });
    try {
      const again = await embedImages(backbone, paths, { cacheDir });
      expect(again.backboneId).toBe(result.backboneId);
      expect(again.results.every((x) => x.cached)).toBe(true);
      expect(maxAbsDiff(again.results.flatMap((x) => [...x.embedding]), F.output)).toBeLessThan(1e-4);
    } finally {
      await backbone.dispose();
    }
  });

  it('without them: ImageNet\'s mean/std and the first output (logits), another backbone id', async () => {
    const plain = await embed('--onnx', F.path, '--cache', join(dir, 'cache-plain'));
    const tuned = await embed('--onnx', F.path, '--mean', '0.5,0.5,0.5', '--std', '0.5,0.5,0.5', '--cache', join(dir, 'cache-plain'));
    expect(plain.code, plain.err).toBe(0);
    expect(tuned.code, tuned.err).toBe(0);
    const a = JSON.parse(plain.out) as { embeddingSize: number; backboneId: string; cached: number };
    const b = JSON.parse(tuned.out) as { embeddingSize: number; backboneId: string; cached: number };
    expect(a.embeddingSize).toBe(5); // the logits
    expect(b.backboneId).not.toBe(a.backboneId);
    expect(b.cached).toBe(0);
  });

  it.each([
    [['--mean', '0.5,0.5'], /--mean must be 3 comma-separated numbers.*got '0\.5,0\.5'/],
    [['--mean', '123.7,116.3,103.5'], /--mean .*in \[0, 1\] \(divide 0–255 values by 255\), got '123\.7,116\.3,103\.5'/],
    [['--std', '0.5,0,0.5'], /--std .*each in \(0, 1\]/],
    [['--std', 'a,b,c'], /--std must be 3/],
    [['--layout', 'NWHC'], /--layout.*'NWHC'.*NCHW, NHWC/s],
    [['--pooling', 'avg'], /--pooling.*'avg'.*mean, max, cls/s],
  ])('%j is a usage error naming the option (exit 2)', async (args, message) => {
    const r = await embed('--onnx', F.path, '--cache', join(dir, 'cache-bad'), ...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it('the ONNX preprocessing options with a built-in backbone are a usage error', async () => {
    const r = await embed('--backbone', 'resnet18', '--mean', '0.5,0.5,0.5', '--output-name', 'x');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--mean, --output-name apply to --onnx models only/);
  });
});

describe('parseChannelTripleOption', () => {
  it('reads R,G,B with spaces; rejects NaN, empty parts and out-of-range values', () => {
    expect(parseChannelTripleOption('--mean', '0.485, 0.456,0.406')).toEqual([0.485, 0.456, 0.406]);
    expect(parseChannelTripleOption('--mean', '0,0,0')).toEqual([0, 0, 0]);
    expect(parseChannelTripleOption('--std', '1,1,1')).toEqual([1, 1, 1]);
    for (const bad of ['', '0.5,,0.5', 'NaN,0.5,0.5', '0.5,0.5,0.5,0.5', '-0.1,0.5,0.5', 'Infinity,1,1']) {
      expect(() => parseChannelTripleOption('--mean', bad)).toThrow(/--mean must be 3/);
    }
    expect(() => parseChannelTripleOption('--std', '0,0.5,0.5')).toThrow(/--std must be 3/);
  });
});
