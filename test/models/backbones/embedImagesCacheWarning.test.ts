import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodePng } from '../../../src/io/image/encodePng.js';
import { createRgbImage } from '../../../src/io/image/rgbImage.js';
import { createBackbone } from '../../../src/models/backbones/createBackbone.js';
import { embedImages } from '../../../src/models/backbones/embedImages.js';
import { embedImagesPool } from '../../../src/models/backbones/embedImagesPool.js';

// A cache that cannot be written never aborts an embedding run: it finishes uncached and says so once, in
// `cacheWarning` and one console.warn, as extractFeaturesBatch does (real ENOTDIR/EEXIST errors, no mocks: tests run
// as root, where chmod does not stop writes).

const SIZE = 32;
let dir: string;
let paths: string[];
const backbone = (): ReturnType<typeof createBackbone> =>
  createBackbone('resnet18', { inputSize: SIZE, seed: 1, architecture: { widths: [4, 8, 8, 16], depths: [1, 1, 1, 1] } });

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'lymphomix-embed-warn-'));
  paths = [];
  for (let i = 0; i < 3; i++) {
    const path = join(dir, `img${i}.png`);
    await writeFile(path, await encodePng(createRgbImage(SIZE, SIZE, Uint8Array.from({ length: SIZE * SIZE * 3 }, (_, k) => (k * (i + 3)) % 256))));
    paths.push(path);
  }
  await writeFile(join(dir, 'file'), 'a regular file');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('embedImages with a cache that cannot be written', () => {
  it('a cacheDir under a regular file: every image embedded, the warning given once (embedImages and the pool in this thread)', async () => {
    const b = backbone();
    try {
      const plain = await embedImages(b, paths);
      expect(plain.cacheWarning).toBeUndefined();
      for (const run of [() => embedImages(b, paths, { cacheDir: join(dir, 'file', 'cache') }), () => embedImagesPool({ name: 'resnet18', options: { inputSize: SIZE, seed: 1, architecture: { widths: [4, 8, 8, 16], depths: [1, 1, 1, 1] } } }, paths, { workers: 0, cacheDir: join(dir, 'file', 'cache') })]) {
        const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
        const r = await run();
        const warnings = warn.mock.calls.map((c) => String(c[0]));
        warn.mockRestore();
        expect(r.results.map((x) => [...x.embedding])).toEqual(plain.results.map((x) => [...x.embedding]));
        expect(r.cacheWarning).toMatch(/^embedImages(Pool)?: the cache could not be written \((ENOTDIR|EEXIST).*file.*\); the batch went on without caching/);
        expect(warnings.filter((w) => w.includes('the cache could not be written'))).toEqual([r.cacheWarning]);
      }
    } finally {
      b.dispose();
    }
  });

  it('files in the way of every shard folder: the first write error is the warning, the run completes', async () => {
    const b = backbone();
    try {
      const cacheDir = join(dir, 'cache');
      const first = await embedImages(b, paths.slice(0, 1), { cacheDir });
      expect(first.cacheWarning).toBeUndefined();
      const [root] = (await readdir(cacheDir)).filter((f) => f.startsWith('embedding-'));
      const shards = new Set(await readdir(join(cacheDir, root!)));
      for (let i = 0; i < 256; i++) {
        const name = i.toString(16).padStart(2, '0');
        if (!shards.has(name)) await writeFile(join(cacheDir, root!, name), '');
      }
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      const r = await embedImages(b, paths, { cacheDir });
      warn.mockRestore();
      expect(r.results).toHaveLength(3);
      expect(r.results[0]!.cached).toBe(true);
      expect(r.cacheWarning).toMatch(/^embedImages: the cache could not be written \((ENOTDIR|EEXIST)/);
    } finally {
      b.dispose();
    }
  });
});
