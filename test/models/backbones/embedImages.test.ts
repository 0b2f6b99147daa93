import { mkdtemp, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePng } from '../../../src/io/image/encodePng.js';
import { createRgbImage } from '../../../src/io/image/rgbImage.js';
import { createBackbone } from '../../../src/models/backbones/createBackbone.js';
import { embedImages } from '../../../src/models/backbones/embedImages.js';
import type { EmbedProgress } from '../../../src/models/backbones/embedImages.js';
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
  it('embeds like backbone.embed, in order, with progress; bad images get an error and never abort', async () => {
    const backbone = small();
    const sources = [paths[0]!, join(dir, 'missing.png'), paths[1]!, join(dir, 'broken.png'), paths[2]!];
    const progress: EmbedProgress[] = [];
    const { images, embeddingSize } = await embedImages(backbone, sources, { batchSize: 2, onProgress: (p) => progress.push(p) });
    expect(embeddingSize).toBe(16);
    expect(images.map((e) => e.embedding === null)).toEqual([false, true, false, true, false]);
    expect(images[1]!.error).toMatch(/cannot read .*missing\.png/);
    expect(images[3]!.error).toMatch(/cannot decode .*broken\.png/);
    expect(progress).toEqual([
      { done: 2, total: 5, cached: 0, failed: 1 },
      { done: 4, total: 5, cached: 0, failed: 2 },
      { done: 5, total: 5, cached: 0, failed: 2 },
    ]);
    const direct = tf.tidy(() => {
      const x = tf.tensor4d(Float32Array.from([...pixels[0]!, ...pixels[1]!, ...pixels[2]!]), [3, SIZE, SIZE, 3]);
      return backbone.embed(x).arraySync();
    });
    for (const [k, i] of [0, 2, 4].entries()) {
      const got = Array.from(images[i]!.embedding!);
      got.forEach((v, j) => expect(v).toBeCloseTo(direct[k]![j]!, 5));
    }
    backbone.dispose();
  });

  it('caches atomically per image and backbone, and resumes after an interruption', async () => {
    const cacheDir = join(dir, 'cache');
    const backbone = small();
    const first = await embedImages(backbone, paths, { cacheDir, batchSize: 3 });
    const files = await readdir(join(cacheDir, first.backboneId));
    expect(files.sort()).toEqual(first.images.map((e) => `${e.hash}.f32`).sort()); // no temporary file left
    // an interrupted run: one image's entry is missing
    await unlink(join(cacheDir, first.backboneId, `${first.images[3]!.hash}.f32`));
    const progress: EmbedProgress[] = [];
    const second = await embedImages(backbone, paths, { cacheDir, onProgress: (p) => progress.push(p) });
    expect(second.images.map((e) => e.cached)).toEqual([true, true, true, false, true]);
    expect(progress.at(-1)).toEqual({ done: 5, total: 5, cached: 4, failed: 0 });
    second.images.forEach((e, i) => expect(e.embedding).toEqual(first.images[i]!.embedding));
    // a truncated entry (wrong length) is recomputed and rewritten
    await writeFile(join(cacheDir, first.backboneId, `${first.images[0]!.hash}.f32`), new Uint8Array(3));
    const repaired = await embedImages(backbone, paths.slice(0, 1), { cacheDir });
    expect(repaired.images[0]!.cached).toBe(false);
    expect(repaired.images[0]!.embedding).toEqual(first.images[0]!.embedding);
    expect((await embedImages(backbone, paths.slice(0, 1), { cacheDir })).images[0]!.cached).toBe(true);
    // another backbone (other weights) never reads these entries
    const other = small(1);
    const third = await embedImages(other, paths.slice(0, 2), { cacheDir });
    expect(third.backboneId).not.toBe(first.backboneId);
    expect(third.images.every((e) => !e.cached)).toBe(true);
    backbone.dispose();
    other.dispose();
  });

  it('resizes images of another size to the input size; an empty list gives an empty result', async () => {
    const backbone = small();
    const big = await encodePng(createRgbImage(48, 40, new Uint8Array(48 * 40 * 3).fill(128)));
    const { images } = await embedImages(backbone, [big]);
    expect(images[0]!.embedding).toHaveLength(16);
    const empty = await embedImages(backbone, []);
    expect(empty.images).toEqual([]);
    await expect(embedImages(backbone, [big], { batchSize: 0 })).rejects.toThrow(/embedImages: batchSize must be a positive integer, got 0/);
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
    expect(first.images.map((e) => e.embedding === null)).toEqual([false, false, false, false, false, true]);
    // the same as the model itself on ImageNet-normalised pixels
    const direct = tf.tidy(() => {
      const x = tf.tensor4d(Float32Array.from(pixels.flatMap((p) => [...p])), [pixels.length, SIZE, SIZE, 3]);
      const m = tf.tensor1d([0.485, 0.456, 0.406].map((v) => v * 255));
      const s = tf.tensor1d([0.229, 0.224, 0.225].map((v) => v * 255));
      return (model.predict(tf.div(tf.sub(x, m), s)) as tf.Tensor).arraySync() as number[][];
    });
    pixels.forEach((_, i) => Array.from(first.images[i]!.embedding!).forEach((v, j) => expect(v).toBeCloseTo(direct[i]![j]!, 4)));
    // the same folder loaded again (a new model object, as in a later run): same id, every image from the cache
    const again = await loadModelBackbone(folder, 'layers');
    const second = await embedImages(again, paths, { cacheDir });
    expect(second.backboneId).toBe(first.backboneId);
    expect(second.images.every((e) => e.cached)).toBe(true);
    second.images.forEach((e, i) => expect(e.embedding).toEqual(first.images[i]!.embedding));
    // retrained weights saved over the folder: another id, nothing read from the old entries
    fillWeights(model, 3);
    await saveModelTo(model, folder);
    const retrained = await loadModelBackbone(folder, 'layers');
    const third = await embedImages(retrained, paths.slice(0, 2), { cacheDir });
    expect(third.backboneId).not.toBe(first.backboneId);
    expect(third.images.every((e) => !e.cached)).toBe(true);
    expect(third.images[0]!.embedding).not.toEqual(first.images[0]!.embedding);
    // a graph model (dynamic input size, named output node)
    const graph = await loadModelBackbone(await writeTinyImageGraph(join(dir, 'graph')), 'graph', { inputSize: SIZE, outputNode: 'y' });
    const g = await embedImages(graph, paths.slice(0, 2), { cacheDir });
    expect(g.backboneId).toMatch(/^tfjs-graph-/);
    expect(g.images.map((e) => e.embedding?.length)).toEqual([2, 2]);
    expect((await embedImages(graph, paths.slice(0, 2), { cacheDir })).images.every((e) => e.cached)).toBe(true);
    [backbone, again, retrained, graph].forEach((b) => b.dispose());
    model.dispose();
  });
});
