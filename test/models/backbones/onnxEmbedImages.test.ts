import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../../src/core/index.js';
import { ArgumentError } from '../../../src/core/index.js';
import { encodePng } from '../../../src/io/image/encodePng.js';
import { createRgbImage } from '../../../src/io/image/rgbImage.js';
import type { BackboneSpec } from '../../../src/models/backbones/backboneSpec.js';
import { buildBackbone, checkBackboneSpec, describeBackboneSpec } from '../../../src/models/backbones/backboneSpec.js';
import { embedImages } from '../../../src/models/backbones/embedImages.js';
import type { BatchProgressDetail, EmbedImagesResult } from '../../../src/models/backbones/embedImages.js';
import { embedImagesPool } from '../../../src/models/backbones/embedImagesPool.js';
import { OnnxEmbedder } from '../../../src/models/backbones/onnx/onnxEmbedder.js';
import { maxAbsDiff, onnxFixture } from './onnxFixtures.js';

// The committed fixture (scripts/fixtures/make_onnx_fixtures.py): a small ResNet exported from PyTorch, NHWC input.
const F = onnxFixture('resnet_small');
const S = F.inputSize;
const SPEC: BackboneSpec = { onnx: { url: F.path }, options: { mean: F.mean, std: F.std } };

let dir: string;
let paths: string[];

const embeddings = (r: EmbedImagesResult): number[] => r.results.flatMap((x) => [...x.embedding]);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lymphomix-onnx-embed-'));
  paths = [];
  // The fixture's inputs as lossless PNGs at the model's size (no resize): the whole path must agree with PyTorch.
  for (let i = 0; i < F.n; i++) {
    const path = join(dir, `img${i}.png`);
    await writeFile(path, await encodePng(createRgbImage(S, S, Uint8Array.from(F.input.slice(i * S * S * 3, (i + 1) * S * S * 3)))));
    paths.push(path);
  }
  const other = join(dir, 'other.png'); // another size, resized
  await writeFile(other, await encodePng(createRgbImage(48, 40, new Uint8Array(48 * 40 * 3).fill(77))));
  paths.push(other);
  await writeFile(join(dir, 'broken.png'), 'not an image');
  paths.push(join(dir, 'broken.png'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('an ONNX backbone through embedImages / embedImagesPool', () => {
  it('buildBackbone({ onnx }) + embedImages agree with PyTorch to 1e-4; a rerun is served from the cache', async () => {
    const cacheDir = join(dir, 'cache-a');
    const backbone = await buildBackbone(SPEC);
    try {
      expect(backbone).toBeInstanceOf(OnnxEmbedder);
      const progress: ProgressEvent<BatchProgressDetail>[] = [];
      const first = await embedImages(backbone, paths, { cacheDir, batchSize: 2, onProgress: (p) => progress.push(p) });
      expect(first.backboneId).toMatch(/^onnx-/);
      expect(first.results.map((r) => [r.index, r.cached])).toEqual([[0, false], [1, false], [2, false], [3, false]]);
      expect(first.failures.map((f) => f.index)).toEqual([4]);
      expect(first.failures[0]!.message).toContain('broken.png');
      expect(maxAbsDiff(first.results.slice(0, F.n).flatMap((r) => [...r.embedding]), F.output)).toBeLessThan(1e-4);
      expect(progress.map((p) => [p.stage, p.done, p.total]).at(-1)).toEqual(['embedding', 5, 5]);

      const again = await embedImages(backbone, paths, { cacheDir, batchSize: 2 });
      expect(again.results.every((r) => r.cached)).toBe(true);
      expect(again.backboneId).toBe(first.backboneId);
      expect(embeddings(again)).toEqual(embeddings(first));
    } finally {
      await backbone.dispose();
    }
  });

  it('the pool runs onnxruntime in the calling thread (no worker thread), equals the in-process run and shares its cache', async () => {
    const cacheDir = join(dir, 'cache-b');
    const here = await embedImagesPool(SPEC, paths, { workers: 0, cacheDir, batchSize: 2 });
    // A worker entry that does not exist: any thread started would fail to load it.
    const noThread = { workerUrl: pathToFileURL(join(dir, 'no-such-worker.js')) };
    const pooled = await embedImagesPool(SPEC, paths, { workers: 2, batchSize: 1, ...noThread });
    expect(pooled.backboneId).toBe(here.backboneId);
    expect(pooled.results.map((r) => r.index)).toEqual(here.results.map((r) => r.index));
    expect(maxAbsDiff(embeddings(pooled), embeddings(here))).toBeLessThan(1e-6);
    expect(pooled.failures.map((f) => f.index)).toEqual([4]);
    const cached = await embedImagesPool(SPEC, paths, { workers: 2, batchSize: 1, cacheDir, ...noThread });
    expect(cached.results.every((r) => r.cached)).toBe(true);
    expect(embeddings(cached)).toEqual(embeddings(here));
  });

  it('the spec can carry the model bytes; the same model gives the same id', async () => {
    const bytes = new Uint8Array(await readFile(F.path));
    const spec: BackboneSpec = { onnx: { url: bytes }, options: { mean: F.mean, std: F.std } };
    expect(describeBackboneSpec(spec)).toBe(`ONNX model <${bytes.byteLength} bytes>`);
    const a = await embedImagesPool(spec, paths.slice(0, 1), { workers: 1 });
    const b = await embedImagesPool(SPEC, paths.slice(0, 1), { workers: 0 });
    expect(a.backboneId).toBe(b.backboneId);
    expect(maxAbsDiff(embeddings(a), embeddings(b))).toBeLessThan(1e-6);
  });

  it('checkBackboneSpec: the onnx form, its options, and mixed forms', () => {
    expect(() => checkBackboneSpec(SPEC, 'f')).not.toThrow();
    expect(() => checkBackboneSpec({ onnx: { url: '' } }, 'f')).toThrow('f: spec.onnx.url must be a non-empty path or URL string of an .onnx file, or its bytes');
    expect(() => checkBackboneSpec({ onnx: { url: 'm.onnx' }, options: { pooling: 'sum' as never } }, 'f')).toThrow(
      'f: spec.options.pooling must be one of',
    );
    expect(() => checkBackboneSpec({ onnx: { url: 'm.onnx' }, name: 'resnet18' } as never, 'f')).toThrow(ArgumentError);
    expect(describeBackboneSpec(SPEC)).toBe(`ONNX model ${F.path}`);
  });

  it('a model that cannot be read fails embedImagesPool naming the spec', async () => {
    await expect(embedImagesPool({ onnx: { url: join(dir, 'missing.onnx') } }, paths, { workers: 1 })).rejects.toThrow(
      /embedImagesPool: cannot build the ONNX model .*missing\.onnx backbone: buildBackbone: cannot read the ONNX model/,
    );
  });

  it('gives up on a model that does not load within startTimeoutMs (a stalled http server), naming the spec, or when aborted', async () => {
    const server = createServer(() => undefined); // accepts the request, never answers
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/model.onnx`;
      await expect(embedImagesPool({ onnx: { url } }, paths.slice(0, 1), { workers: 2, startTimeoutMs: 300 })).rejects.toThrow(
        `embedImagesPool: cannot build the ONNX model ${url} backbone: not built within 300 ms (startTimeoutMs)`,
      );
      // Without a limit, an abort still ends the wait.
      const signal = AbortSignal.timeout(200);
      await expect(embedImagesPool({ onnx: { url } }, paths.slice(0, 1), { workers: 2, startTimeoutMs: Infinity, signal })).rejects.toThrow(
        /timeout|aborted/i,
      );
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('an aborted run rejects with the signal\'s reason and keeps the cached work', async () => {
    const cacheDir = join(dir, 'cache-abort');
    const controller = new AbortController();
    const run = embedImagesPool(SPEC, paths, {
      workers: 2,
      batchSize: 1,
      cacheDir,
      signal: controller.signal,
      onProgress: () => controller.abort(new Error('enough')),
    });
    await expect(run).rejects.toThrow('enough');
    const again = await embedImagesPool(SPEC, paths, { workers: 2, batchSize: 1, cacheDir });
    expect(again.results.filter((r) => r.cached).length).toBeGreaterThanOrEqual(1);
    expect(again.results.filter((r) => !r.cached).length).toBeGreaterThanOrEqual(1);
  });
});
