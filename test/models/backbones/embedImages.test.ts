import { mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePng } from '../../../src/io/image/encodePng.js';
import { createRgbImage } from '../../../src/io/image/rgbImage.js';
import { createBackbone } from '../../../src/models/backbones/createBackbone.js';
import { embedImages } from '../../../src/models/backbones/embedImages.js';
import type { BatchProgressDetail, EmbedImagesResult } from '../../../src/models/backbones/embedImages.js';
import type { ProgressEvent } from '../../../src/core/index.js';
import { ArgumentError } from '../../../src/core/index.js';

type EmbedProgress = ProgressEvent<BatchProgressDetail>;

/** Per source: its embedding, or null when it failed. */
const bySource = (r: EmbedImagesResult, n: number): (Float32Array | null)[] => {
  const out: (Float32Array | null)[] = new Array(n).fill(null);
  for (const e of r.results) out[e.index] = e.embedding;
  return out;
};

/** The cache entry file of an image hash under a cache root. */
async function entryFile(cacheDir: string, hash: string): Promise<string> {
  const [folder] = (await readdir(cacheDir)).filter((f) => f.startsWith('embedding-'));
  return join(cacheDir, folder!, hash.slice(0, 2), `${hash}.json`);
}
import { saveModelTo } from '../../../src/io/modelIo/saveModelTo.js';
import { loadModelBackbone } from '../../../src/models/backbones/loadModelBackbone.js';
import { fillWeights, tinyCnn, writeTinyImageGraph } from './tinyImageModels.js';

const SIZE = 32;
const small = (seed = 0): ReturnType<typeof createBackbone> =>
  createBackbone('resnet18', { inputSize: SIZE, seed, architecture: { widths: [4, 8, 8, 16], depths: [1, 1, 1, 1] } });

let dir: string;
let pixels: Uint8Array[];
let paths: string[];

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'lymphomix-embed-'));
  let seed = 7;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % 256;
  pixels = Array.from({ length: 5 }, () => Uint8Array.from({ length: SIZE * SIZE * 3 }, rand));
  paths = [];
  for (const [i, p] of pixels.entries()) {
    const path = join(dir, `img${i}.png`);
    await writeFile(path, await encodePng(createRgbImage(SIZE, SIZE, p)));
    paths.push(path);
  }
  await writeFile(join(dir, 'broken.png'), 'not an image');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('embedImages', () => {
  it('embeds like backbone.embed, in order, with progress; bad images are failures naming them and never abort', async () => {
    const backbone = small();
    const sources = [paths[0]!, join(dir, 'missing.png'), paths[1]!, join(dir, 'broken.png'), paths[2]!];
    const progress: EmbedProgress[] = [];
    const result = await embedImages(backbone, sources, { batchSize: 2, onProgress: (p) => progress.push(p) });
    expect(result.embeddingSize).toBe(16);
    expect(result.decoder).toBe('sharp');
    expect(result.results.map((e) => e.index)).toEqual([0, 2, 4]);
    expect(result.results.map((e) => e.source)).toEqual([paths[0], paths[1], paths[2]]);
    expect(result.failures.map((f) => f.index)).toEqual([1, 3]);
    expect(result.failures[0]!.source).toBe(join(dir, 'missing.png'));
    expect(result.failures[0]!.message).toMatch(/cannot decode image .*missing\.png: file not found/);
    expect(result.failures[1]!.message).toMatch(/cannot decode .*broken\.png/);
    // one event per image (an unreadable one as soon as it is read), stage 'embedding'
    expect(progress.map((p) => [p.stage, p.done, p.total, p.detail.failed, p.detail.cached])).toEqual([
      ['embedding', 1, 5, 1, 0],
      ['embedding', 2, 5, 1, 0],
      ['embedding', 3, 5, 1, 0],
      ['embedding', 4, 5, 2, 0],
      ['embedding', 5, 5, 2, 0],
    ]);
    expect(progress[0]!.detail.source).toBe(join(dir, 'missing.png'));
    const direct = tf.tidy(() => {
      const x = tf.tensor4d(Float32Array.from([...pixels[0]!, ...pixels[1]!, ...pixels[2]!]), [3, SIZE, SIZE, 3]);
      return backbone.embed(x).arraySync();
    });
    for (const [k, e] of result.results.entries()) {
      Array.from(e.embedding).forEach((v, j) => expect(v).toBeCloseTo(direct[k]![j]!, 5));
    }
    backbone.dispose();
  });

  it('throws at once for the wrong kind of object (cohort patients, not images) or backbone, naming the index', async () => {
    const backbone = small();
    const patients = [{ id: 'P0', images: [paths[0]] }];
    await expect(embedImages(backbone, patients as unknown as string[])).rejects.toThrow(ArgumentError);
    await expect(embedImages(backbone, patients as unknown as string[])).rejects.toThrow(
      /^embedImages: images\[0\] must be an image source \(a file path, URL, Uint8Array, ArrayBuffer or Blob\), got an object \{id, images\}$/,
    );
    await expect(embedImages(paths as unknown as typeof backbone, paths)).rejects.toThrow(/^embedImages: backbone must be an ImageEmbedder/);
    await expect(embedImages(backbone, paths, { decode: async () => createRgbImage(1, 1), decoder: 'jimp' })).rejects.toThrow(
      /embedImages: options.decode must be absent when options.decoder is given/,
    );
    backbone.dispose();
  });

  it('caches atomically per image, backbone and decoder; resumes after an interruption; never serves a bad entry', async () => {
    const cacheDir = join(dir, 'cache');
    const backbone = small();
    const first = await embedImages(backbone, paths, { cacheDir, batchSize: 3 });
    const [folder] = await readdir(cacheDir);
    const files = (await readdir(join(cacheDir, folder!), { recursive: true })).filter((f) => f.endsWith('.json'));
    expect(files.map((f) => f.slice(3)).sort()).toEqual(first.results.map((e) => `${e.hash}.json`).sort()); // no temporary file left
    // an interrupted run: one image's entry is missing
    await unlink(await entryFile(cacheDir, first.results[3]!.hash));
    const progress: EmbedProgress[] = [];
    const second = await embedImages(backbone, paths, { cacheDir, onProgress: (p) => progress.push(p) });
    expect(second.results.map((e) => e.cached)).toEqual([true, true, true, false, true]);
    expect(progress.at(-1)).toMatchObject({ done: 5, total: 5, detail: { cached: 4, failed: 0 } });
    second.results.forEach((e, i) => expect(e.embedding).toEqual(first.results[i]!.embedding));
    // entries with a wrong length or non-numeric values are recomputed, counted and rewritten
    const file = await entryFile(cacheDir, first.results[0]!.hash);
    const good = JSON.parse(await readFile(file, 'utf8'));
    const f32 = (values: number[]): { float32: string } => ({ float32: Buffer.from(Float32Array.from(values).buffer).toString('base64') });
    const values = Array.from(first.results[0]!.embedding);
    expect(good.value).toEqual(f32(values)); // the float32 bytes, exact
    for (const value of [f32(values.slice(1)), f32([...values.slice(1), Number.NaN]), { float32: 42 }, values, null]) {
      await writeFile(file, JSON.stringify({ ...good, value }));
      const repaired = await embedImages(backbone, paths.slice(0, 1), { cacheDir });
      expect(repaired.results[0]!.cached).toBe(false);
      expect(repaired.invalidCacheEntries).toBe(1);
      expect(repaired.results[0]!.embedding).toEqual(first.results[0]!.embedding);
    }
    expect((await embedImages(backbone, paths.slice(0, 1), { cacheDir })).results[0]!.cached).toBe(true);
    // another decoder or another backbone (other weights) never reads these entries
    const jimp = await embedImages(backbone, paths.slice(0, 2), { cacheDir, decoder: 'jimp' });
    expect(jimp.decoder).toBe('jimp');
    expect(jimp.results.every((e) => !e.cached)).toBe(true);
    const other = small(1);
    const third = await embedImages(other, paths.slice(0, 2), { cacheDir });
    expect(third.backboneId).not.toBe(first.backboneId);
    expect(third.results.every((e) => !e.cached)).toBe(true);
    backbone.dispose();
    other.dispose();
  });

  it('resizes images of another size to the input size; an empty list gives an empty result', async () => {
    const backbone = small();
    const big = await encodePng(createRgbImage(48, 40, new Uint8Array(48 * 40 * 3).fill(128)));
    const { results } = await embedImages(backbone, [big]);
    expect(results[0]!.embedding).toHaveLength(16);
    const empty = await embedImages(backbone, []);
    expect(empty.results).toEqual([]);
    expect(empty.failures).toEqual([]);
    await expect(embedImages(backbone, [big], { batchSize: 0 })).rejects.toThrow(/^embedImages: options.batchSize must be an integer ≥ 1, got 0$/);
    backbone.dispose();
  });

  it('leaks no tensor', async () => {
    const backbone = small();
    const before = tf.memory().numTensors;
    await embedImages(backbone, [...paths, join(dir, 'broken.png')], { batchSize: 4 });
    expect(tf.memory().numTensors).toBe(before);
    backbone.dispose();
  });

  it('embeds with any saved tfjs model as a frozen backbone: cache hit on a rerun, new id when the weights change', async () => {
    const cacheDir = join(dir, 'model-cache');
    const folder = join(dir, 'cnn');
    const model = tinyCnn(SIZE);
    await saveModelTo(model, folder);
    const backbone = await loadModelBackbone(folder, 'layers');
    expect([backbone.embeddingSize, backbone.inputSize]).toEqual([4, SIZE]);
    const before = tf.memory().numTensors;
    const first = await embedImages(backbone, [...paths, join(dir, 'broken.png')], { cacheDir, batchSize: 2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(first.backboneId).toMatch(/^tfjs-layers-[0-9a-f]{24}$/);
    expect(first.embeddingSize).toBe(4);
    expect(bySource(first, 6).map((e) => e === null)).toEqual([false, false, false, false, false, true]);
    // the same as the model itself on ImageNet-normalised pixels
    const direct = tf.tidy(() => {
      const x = tf.tensor4d(Float32Array.from(pixels.flatMap((p) => [...p])), [pixels.length, SIZE, SIZE, 3]);
      const m = tf.tensor1d([0.485, 0.456, 0.406].map((v) => v * 255));
      const s = tf.tensor1d([0.229, 0.224, 0.225].map((v) => v * 255));
      return (model.predict(tf.div(tf.sub(x, m), s)) as tf.Tensor).arraySync() as number[][];
    });
    pixels.forEach((_, i) => Array.from(first.results[i]!.embedding).forEach((v, j) => expect(v).toBeCloseTo(direct[i]![j]!, 4)));
    // the same folder loaded again (a new model object, as in a later run): same id, every image from the cache
    const again = await loadModelBackbone(folder, 'layers');
    const second = await embedImages(again, paths, { cacheDir });
    expect(second.backboneId).toBe(first.backboneId);
    expect(second.results.every((e) => e.cached)).toBe(true);
    second.results.forEach((e, i) => expect(e.embedding).toEqual(first.results[i]!.embedding));
    // retrained weights saved over the folder: another id, nothing read from the old entries
    fillWeights(model, 3);
    await saveModelTo(model, folder);
    const retrained = await loadModelBackbone(folder, 'layers');
    const third = await embedImages(retrained, paths.slice(0, 2), { cacheDir });
    expect(third.backboneId).not.toBe(first.backboneId);
    expect(third.results.every((e) => !e.cached)).toBe(true);
    expect(third.results[0]!.embedding).not.toEqual(first.results[0]!.embedding);
    // a graph model (dynamic input size, named output node)
    const graph = await loadModelBackbone(await writeTinyImageGraph(join(dir, 'graph')), 'graph', { inputSize: SIZE, outputNode: 'y' });
    const g = await embedImages(graph, paths.slice(0, 2), { cacheDir });
    expect(g.backboneId).toMatch(/^tfjs-graph-/);
    expect(g.results.map((e) => e.embedding.length)).toEqual([2, 2]);
    expect((await embedImages(graph, paths.slice(0, 2), { cacheDir })).results.every((e) => e.cached)).toBe(true);
    [backbone, again, retrained, graph].forEach((b) => b.dispose());
    model.dispose();
  });
});
