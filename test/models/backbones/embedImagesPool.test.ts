import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/backend/initBackend.js';
import { encodePng } from '../../../src/io/image/encodePng.js';
import { createRgbImage } from '../../../src/io/image/rgbImage.js';
import type { BackboneSpec } from '../../../src/models/backbones/backboneSpec.js';
import { buildBackbone } from '../../../src/models/backbones/backboneSpec.js';
import { backboneFingerprint } from '../../../src/models/backbones/backboneFingerprint.js';
import { embedImages } from '../../../src/models/backbones/embedImages.js';
import type { BatchProgressDetail, EmbedImagesResult } from '../../../src/models/backbones/embedImages.js';
import type { ProgressEvent } from '../../../src/core/index.js';
import { ArgumentError } from '../../../src/core/index.js';
import tsupConfig from '../../../tsup.config.js';

type EmbedProgress = ProgressEvent<BatchProgressDetail>;

/** Per source: its embedding or null, and its failure message or null. */
const bySource = (r: EmbedImagesResult, n: number): { embedding: Float32Array | null; error: string | null; hash: string | null; cached: boolean }[] => {
  const out = Array.from({ length: n }, () => ({ embedding: null as Float32Array | null, error: null as string | null, hash: null as string | null, cached: false }));
  for (const e of r.results) out[e.index] = { embedding: e.embedding, error: null, hash: e.hash, cached: e.cached };
  for (const f of r.failures) out[f.index]!.error = f.message;
  return out;
};

/** The cache entry file of an image hash under a cache root. */
async function entryFile(cacheDir: string, hash: string): Promise<string> {
  const [folder] = (await readdir(cacheDir)).filter((f) => f.startsWith('embedding-'));
  return join(cacheDir, folder!, hash.slice(0, 2), `${hash}.json`);
}
import { embedImagesPool } from '../../../src/models/backbones/embedImagesPool.js';
import { embedPixelBatch } from '../../../src/models/backbones/embedPixelBatch.js';
import { resolveEmbeddingWorkerUrl } from '../../../src/models/backbones/resolveEmbeddingWorkerUrl.js';
import { saveModelTo } from '../../../src/io/modelIo/saveModelTo.js';
import { loadModelBackbone } from '../../../src/models/backbones/loadModelBackbone.js';
import { buildLikeDist } from '../../helpers/buildLikeDist.js';
import { DLMI_DIR } from '../../helpers/shared.js';
import { FIXTURE_DIR } from './backboneFixtures.js';
import { tinyCnn, writeTinyImageGraph } from './tinyImageModels.js';

const repo = resolve(fileURLToPath(import.meta.url), '../../../..');
const RAW = fileURLToPath(new URL('./fixtures/rawDecoder.mjs', import.meta.url));
const SIZE = 64;
// The committed PyTorch fixture (test/fixtures/backbones/resnet18_small.safetensors) and its architecture.
const SPEC: BackboneSpec = {
  name: 'resnet18',
  options: { inputSize: SIZE, architecture: { widths: [8, 16, 24, 32] } },
  weights: join(FIXTURE_DIR, 'resnet18_small.safetensors'),
};

let dir: string;
let paths: string[];
let raws: Uint8Array[];
let seed = 11;
const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % 256;

beforeAll(async () => {
  await initBackend('wasm');
  dir = await mkdtemp(join(tmpdir(), 'lymphomix-embed-pool-'));
  paths = [];
  for (let i = 0; i < 4; i++) {
    const path = join(dir, `img${i}.png`);
    await writeFile(path, await encodePng(createRgbImage(SIZE, SIZE, Uint8Array.from({ length: SIZE * SIZE * 3 }, rand))));
    paths.push(path);
  }
  // another size: resized to 64x64 in the threads
  const other = join(dir, 'other.png');
  await writeFile(other, await encodePng(createRgbImage(48, 40, Uint8Array.from({ length: 48 * 40 * 3 }, rand))));
  paths.push(other);
  // two real 224x224 JPEG crops when the shared cohort is there
  const patient = join(DLMI_DIR, 'P0');
  if (existsSync(patient)) paths.push(...readdirSync(patient).filter((f) => f.endsWith('.jpg')).slice(0, 2).map((f) => join(patient, f)));
  await writeFile(join(dir, 'broken.png'), 'not an image');
  raws = Array.from({ length: 4 }, () => Uint8Array.from({ length: SIZE * SIZE * 3 }, rand));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await tf.setBackend('cpu');
});

describe('embedImagesPool', () => {
  it('equals embedImages on wasm, in order; bad images get the same errors and never abort; caller bytes stay', async () => {
    expect(tf.getBackend()).toBe('wasm');
    const bytes = await encodePng(createRgbImage(SIZE, SIZE, Uint8Array.from({ length: SIZE * SIZE * 3 }, rand)));
    const sources = [paths[0]!, join(dir, 'missing.png'), ...paths.slice(1), join(dir, 'broken.png'), bytes];
    const backbone = await buildBackbone(SPEC);
    const direct = await embedImages(backbone, sources, { batchSize: 2 });
    backbone.dispose();
    const progress: EmbedProgress[] = [];
    const pooled = await embedImagesPool(SPEC, sources, { workers: 2, batchSize: 2, onProgress: (p) => progress.push(p) });
    expect(bytes.byteLength).toBeGreaterThan(0); // not detached
    expect(pooled.backboneId).toBe(direct.backboneId);
    expect(pooled.embeddingSize).toBe(32);
    expect(pooled.decoder).toBe('sharp');
    expect(pooled.failures).toEqual(direct.failures);
    expect(pooled.failures.map((f) => f.index)).toEqual([1, sources.length - 2]);
    expect(pooled.failures[0]!.message).toMatch(/cannot decode image .*missing\.png: file not found/);
    expect(pooled.failures[1]!.message).toMatch(/cannot decode .*broken\.png/);
    expect(pooled.results.map((e) => e.hash)).toEqual(direct.results.map((e) => e.hash));
    pooled.results.forEach((e, i) => expect(e.embedding).toEqual(direct.results[i]!.embedding)); // bit for bit
    expect(pooled.results).toHaveLength(sources.length - 2);
    expect(progress.map((p) => p.done)).toEqual(sources.map((_, i) => i + 1));
    expect(progress.at(-1)).toMatchObject({ stage: 'embedding', done: sources.length, total: sources.length, detail: { cached: 0, failed: 2 } });
  });

  it('shares the cache of embedImages: each resumes the other', async () => {
    const cacheDir = join(dir, 'cache');
    const first = await embedImagesPool(SPEC, paths, { workers: 2, batchSize: 2, cacheDir });
    const [folder] = await readdir(cacheDir);
    const files = (await readdir(join(cacheDir, folder!), { recursive: true })).filter((f) => f.endsWith('.json'));
    expect(files.map((f) => f.slice(3)).sort()).toEqual([...new Set(first.results.map((e) => `${e.hash}.json`))].sort());
    const backbone = await buildBackbone(SPEC);
    const byEmbedImages = await embedImages(backbone, paths, { cacheDir });
    expect(byEmbedImages.results.every((e) => e.cached)).toBe(true);
    // an interrupted run: one entry missing; embedImages writes it, the pool reads everything
    await unlink(await entryFile(cacheDir, first.results[2]!.hash));
    const repaired = await embedImages(backbone, paths, { cacheDir });
    expect(repaired.results.map((e) => e.cached)).toEqual(paths.map((_, i) => i !== 2));
    await unlink(await entryFile(cacheDir, first.results[0]!.hash));
    const progress: EmbedProgress[] = [];
    const second = await embedImagesPool(SPEC, paths, { workers: 1, cacheDir, onProgress: (p) => progress.push(p) });
    expect(second.results.map((e) => e.cached)).toEqual(paths.map((_, i) => i !== 0));
    second.results.forEach((e, i) => expect(e.embedding).toEqual(first.results[i]!.embedding));
    expect(progress.at(-1)).toMatchObject({ done: paths.length, total: paths.length, detail: { cached: paths.length - 1, failed: 0 } });
    backbone.dispose();
  });

  it('a crashing thread fails only its images in flight and is replaced; decoderModule matches workers: 0', async () => {
    const crash = new Uint8Array([0x7e, 1, 2]);
    const sources = [raws[0]!, raws[1]!, crash, raws[2]!, new Uint8Array(5), raws[3]!];
    // one thread: the images after the crash can only be embedded by its replacement
    const pooled = await embedImagesPool(SPEC, sources, { workers: 1, batchSize: 1, decoderModule: RAW });
    const got = bySource(pooled, sources.length);
    expect(got.map((e) => e.embedding === null)).toEqual([false, false, true, false, true, false]);
    expect(got[2]!.error).toMatch(/^cannot embed <3 bytes>: worker thread exited \(code 3\)/);
    expect(got[4]!.error).toMatch(/^cannot decode <5 bytes>: raw decoder: not a square RGB image/);
    expect(pooled.decoder).toBe(`module:${pathToFileURL(RAW).href}`);
    const here = await embedImagesPool(SPEC, sources.filter((s) => s !== crash), { workers: 0, decoderModule: RAW });
    expect(here.backboneId).toBe(pooled.backboneId);
    expect(here.decoder).toBe(pooled.decoder);
    const hereBySource = bySource(here, sources.length - 1);
    hereBySource.forEach((e, i) => expect(e.embedding).toEqual(got[i < 2 ? i : i + 1]!.embedding));
  });

  it('an aborted run rejects promptly (a stuck pass\'s thread is stopped) and keeps the cached work', async () => {
    const cacheDir = join(dir, 'abort-cache');
    const stuck = Uint8Array.from(raws[3]!);
    stuck[0] = 0x73; // the raw decoder waits 60 s
    const controller = new AbortController();
    const started = performance.now();
    const call = embedImagesPool(SPEC, [raws[0]!, raws[1]!, stuck, raws[2]!], {
      workers: 2,
      batchSize: 1,
      decoderModule: RAW,
      cacheDir,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done === 3) controller.abort(new Error('stop now'));
      },
    });
    await expect(call).rejects.toThrow('stop now');
    expect(performance.now() - started).toBeLessThan(30_000);
    const [folder] = await readdir(cacheDir);
    expect((await readdir(join(cacheDir, folder!), { recursive: true })).filter((f) => f.endsWith('.json'))).toHaveLength(3);
  });

  it('a decode function runs in the calling thread and gives the same embeddings', async () => {
    const { decodeImageBytes } = await import('./fixtures/rawDecoder.mjs' as string) as {
      decodeImageBytes: (b: Uint8Array) => Promise<ReturnType<typeof createRgbImage>>;
    };
    const a = await embedImagesPool(SPEC, raws, { workers: 2, decode: decodeImageBytes });
    const b = await embedImagesPool(SPEC, raws, { workers: 0, decode: decodeImageBytes });
    expect(a.results).toHaveLength(raws.length);
    expect(a.decoder).toBe('custom');
    a.results.forEach((e, i) => expect(e.embedding).toEqual(b.results[i]!.embedding));
  });

  it('an empty list still reports D and the backbone id; random-weight specs agree with embedImages', async () => {
    const spec: BackboneSpec = { name: 'convnext_atto', options: { inputSize: 32, seed: 3, architecture: { dims: [4, 8, 8, 8], depths: [1, 1, 1, 1] } } };
    const empty = await embedImagesPool(spec, [], { workers: 1 });
    const backbone = await buildBackbone(spec);
    const direct = await embedImages(backbone, []);
    backbone.dispose();
    expect(empty).toEqual({ results: [], failures: [], embeddingSize: 8, backboneId: direct.backboneId, decoder: 'sharp', invalidCacheEntries: 0 });
  });

  it('rebuilds a saved tfjs layers or graph model in each thread: equals embedImages, shares its cache', async () => {
    const cnn = tinyCnn(SIZE);
    await saveModelTo(cnn, join(dir, 'cnn'));
    cnn.dispose();
    const graphDir = await writeTinyImageGraph(join(dir, 'graph'));
    const cacheDir = join(dir, 'model-cache');
    const specs: BackboneSpec[] = [
      { model: { url: join(dir, 'cnn'), kind: 'layers' } },
      { model: { url: pathToFileURL(join(graphDir, 'model.json')).href, kind: 'graph' }, options: { inputSize: SIZE, outputNode: 'y' } },
    ];
    for (const [k, spec] of specs.entries()) {
      const before = tf.memory().numTensors;
      const pooled = await embedImagesPool(spec, [...paths, join(dir, 'broken.png')], { workers: 2, batchSize: 2, cacheDir });
      expect(tf.memory().numTensors).toBe(before);
      expect(pooled.embeddingSize).toBe([4, 2][k]);
      expect(pooled.backboneId).toMatch(k === 0 ? /^tfjs-layers-/ : /^tfjs-graph-/);
      expect(pooled.failures.map((f) => f.index)).toEqual([paths.length]);
      expect(pooled.failures[0]!.message).toMatch(/cannot decode .*broken\.png/);
      const backbone = await buildBackbone(spec);
      const direct = await embedImages(backbone, paths);
      const cached = await embedImages(backbone, paths, { cacheDir });
      backbone.dispose();
      expect(direct.backboneId).toBe(pooled.backboneId);
      expect(cached.results.every((e) => e.cached)).toBe(true);
      expect(direct.results).toHaveLength(paths.length);
      direct.results.forEach((e, i) => {
        expect(pooled.results[i]!.embedding).toEqual(e.embedding); // bit for bit on wasm
      });
    }
    const load = await loadModelBackbone(join(dir, 'cnn'), 'layers');
    expect((await embedImagesPool(specs[0]!, paths, { workers: 0, cacheDir })).backboneId).toBe(await backboneFingerprint(load));
    load.dispose();
  });

  it('checks its inputs early, naming itself and the value', async () => {
    await expect(embedImagesPool({ name: 'resnet99' as 'resnet18' }, [])).rejects.toThrow(/^embedImagesPool: spec\.name must be one of .*got "resnet99"$/);
    await expect(embedImagesPool(SPEC, [], { batchSize: 0 })).rejects.toThrow(/^embedImagesPool: options.batchSize must be an integer ≥ 1, got 0$/);
    await expect(embedImagesPool(SPEC, [], { workers: -1 })).rejects.toThrow(/^embedImagesPool: options.workers must be an integer ≥ 0, got -1$/);
    await expect(embedImagesPool(SPEC, [], { decoderModule: RAW, decode: async () => createRgbImage(1, 1) })).rejects.toThrow(
      /embedImagesPool: options must be at most one of decode .*, decoderModule .* and decoder/,
    );
    await expect(embedImagesPool(SPEC, [{ id: 'P0' }] as unknown as string[], { workers: 1 })).rejects.toThrow(ArgumentError);
    await expect(embedImagesPool(SPEC, [paths[0]!, { id: 'P0' }] as unknown as string[], { workers: 1 })).rejects.toThrow(
      /^embedImagesPool: images\[1\] must be an image source/,
    );
    await expect(embedImagesPool({ ...SPEC, weights: 42 as unknown as string }, [])).rejects.toThrow(/spec\.weights must be/);
    await expect(embedImagesPool({ model: { url: '', kind: 'layers' } }, [])).rejects.toThrow(/embedImagesPool: spec\.model\.url must be a non-empty/);
    await expect(embedImagesPool({ model: { url: dir, kind: 'onnx' as 'layers' } }, [])).rejects.toThrow(
      /embedImagesPool: spec\.model\.kind must be one of "layers", "graph", got "onnx"/,
    );
    await expect(embedImagesPool({ ...SPEC, model: { url: dir, kind: 'layers' } } as BackboneSpec, [])).rejects.toThrow(/not both/);
    await expect(embedImagesPool({ model: { url: dir, kind: 'layers' }, options: { std: [0, 1, 1] } }, [])).rejects.toThrow(
      /^embedImagesPool: spec\.options\.std must be 3 finite positive numbers, got \[0, 1, 1\]$/,
    );
    await expect(embedImagesPool({ model: { url: join(dir, 'no-model'), kind: 'layers' } }, paths, { workers: 1 })).rejects.toThrow(
      /embedImagesPool: cannot build the tfjs layers model .*no-model backbone in a worker thread: .*model\.json not found/,
    );
    await expect(embedImagesPool({ ...SPEC, weights: join(dir, 'none.safetensors') }, paths, { workers: 1 })).rejects.toThrow(
      /embedImagesPool: cannot build the resnet18 backbone in a worker thread: .*none\.safetensors/,
    );
  });

  it('gives up on threads that do not start within startTimeoutMs (a stalled http model), naming the spec', async () => {
    await expect(embedImagesPool(SPEC, [], { startTimeoutMs: 0 })).rejects.toThrow(/embedImagesPool: options.startTimeoutMs must be a positive number of ms \(or Infinity\), got 0/);
    await expect(embedImagesPool(SPEC, [], { startTimeoutMs: Number.NaN })).rejects.toThrow(/startTimeoutMs must be .*got NaN/);
    const { createServer } = await import('node:http');
    const stalled = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((done) => stalled.listen(0, '127.0.0.1', done));
    const { port } = stalled.address() as { port: number };
    const url = `http://127.0.0.1:${port}/cnn/model.json`;
    try {
      await expect(embedImagesPool({ model: { url, kind: 'layers' } }, paths.slice(0, 1), { workers: 1, startTimeoutMs: 2500 })).rejects.toThrow(
        `embedImagesPool: cannot build the tfjs layers model ${url} backbone in a worker thread: worker thread did not build the backbone within 2500 ms (startTimeoutMs)`,
      );
    } finally {
      stalled.closeAllConnections();
      await new Promise((done) => stalled.close(done));
    }
  });

  it('leaks no tensor in the calling thread (threads and workers: 0)', async () => {
    const before = tf.memory().numTensors;
    await embedImagesPool(SPEC, paths.slice(0, 2), { workers: 1 });
    await embedImagesPool(SPEC, paths.slice(0, 2), { workers: 0 });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('embedPixelBatch (the threads\' forward pass)', () => {
  it('equals embedImages on decoded images of any size, normalised backbones included; empty in, empty out; no leak', async () => {
    for (const inputRange of ['uint8', 'normalized'] as const) {
      const backbone = await buildBackbone({ ...SPEC, options: { ...SPEC.options, inputRange } });
      const images = [createRgbImage(SIZE, SIZE, raws[0]), createRgbImage(32, 32, raws[1]!.subarray(0, 32 * 32 * 3))];
      const before = tf.memory().numTensors;
      const got = await embedPixelBatch(backbone, images);
      expect(tf.memory().numTensors).toBe(before);
      const want = await embedImages(backbone, [raws[0]!, raws[1]!.subarray(0, 32 * 32 * 3)], {
        decode: async (b) => createRgbImage(b.length === SIZE * SIZE * 3 ? SIZE : 32, b.length === SIZE * SIZE * 3 ? SIZE : 32, b),
      });
      got.forEach((z, i) => expect(z).toEqual(want.results[i]!.embedding));
      expect(got[0]!.buffer).not.toBe(got[1]!.buffer);
      expect(await embedPixelBatch(backbone, [])).toEqual([]);
      backbone.dispose();
    }
  });
});

describe('resolveEmbeddingWorkerUrl', () => {
  it('finds the TypeScript source when running from source, and names the candidates when there is none', async () => {
    expect((tsupConfig as { entry: string[] }).entry).toContain('src/models/backbones/embeddingWorker.ts'); // built into dist
    const url = await resolveEmbeddingWorkerUrl(pathToFileURL(join(repo, 'src/models/backbones/resolveEmbeddingWorkerUrl.ts')).href);
    expect(fileURLToPath(url)).toBe(join(repo, 'src/models/backbones/embeddingWorker.ts'));
    await expect(resolveEmbeddingWorkerUrl(pathToFileURL(join(dir, 'index.js')).href)).rejects.toThrow(
      /resolveEmbeddingWorkerUrl: no worker entry found \(tried .*embeddingWorker\.js, .*models\/backbones\/embeddingWorker\.js, .*embeddingWorker\.ts\)/,
    );
  });
});

describe('the built embedding worker (as tsup bundles it into dist/)', () => {
  it('is found beside a bundled index.js and embeds without any TypeScript loader, like the source worker', async () => {
    // Under node_modules/.cache so that its external imports (@tensorflow/*, jimp, ndarray) resolve as from dist/.
    const cache = join(repo, 'node_modules', '.cache');
    await mkdir(cache, { recursive: true });
    const dist = await mkdtemp(join(cache, 'lymphomix-embedding-worker-test-'));
    try {
      await buildLikeDist({ 'models/backbones/embeddingWorker': join(repo, 'src/models/backbones/embeddingWorker.ts') }, dist);
      const entry = await resolveEmbeddingWorkerUrl(pathToFileURL(join(dist, 'index.js')).href);
      expect(fileURLToPath(entry)).toBe(join(dist, 'models/backbones/embeddingWorker.js'));
      const built = await embedImagesPool(SPEC, paths.slice(0, 3), { workers: 1, workerUrl: entry });
      const source = await embedImagesPool(SPEC, paths.slice(0, 3), { workers: 1 });
      expect(built.backboneId).toBe(source.backboneId);
      expect(built.results).toHaveLength(3);
      built.results.forEach((e, i) => expect(e.embedding).toEqual(source.results[i]!.embedding));
    } finally {
      await rm(dist, { recursive: true, force: true });
    }
  });
});
