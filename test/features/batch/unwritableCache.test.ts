import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { extractFeaturesBatch } from '../../../src/features/batch/extractFeaturesBatch.js';

// Tests run as root here, where chmod does not stop writes: the cache is made unwritable with regular files in the
// way of its folders (real ENOTDIR / EEXIST errors from the file system, no mocks).
const fake = { extractorModule: fileURLToPath(new URL('./fixtures/fakeExtractor.mjs', import.meta.url)), workers: 0 } as const;
const image = (v: number): Uint8Array => new Uint8Array(12).fill(v);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lymphomix-unwritable-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('extractFeaturesBatch with a cache that cannot be written', () => {
  it('a cacheDir under a regular file: the batch finishes uncached and says so once', async () => {
    await writeFile(join(dir, 'file'), 'x');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const reference = await extractFeaturesBatch([image(51), image(102)], fake);
      const r = await extractFeaturesBatch([image(51), image(102)], { ...fake, cacheDir: join(dir, 'file', 'cache') });
      expect(r.failures).toEqual([]);
      expect(r.results).toEqual(reference.results);
      expect(r.cacheWarning).toMatch(/^extractFeaturesBatch: the cache could not be written \((ENOTDIR|EEXIST).*file.*\); the batch went on without caching/);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(reference.cacheWarning).toBeUndefined();
    } finally {
      warn.mockRestore();
    }
  });

  it('entries that cannot be written (files in the way of every shard folder): no raw error, one warning, complete results', async () => {
    const cacheDir = join(dir, 'cache');
    const first = await extractFeaturesBatch([image(10)], { ...fake, cacheDir });
    expect(first.cacheWarning).toBeUndefined();
    const [root] = await readdir(cacheDir);
    const shards = new Set(await readdir(join(cacheDir, root!)));
    for (let b = 0; b < 256; b++) {
      const name = b.toString(16).padStart(2, '0');
      if (!shards.has(name)) await writeFile(join(cacheDir, root!, name), '');
    }
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const sources = [20, 30, 40, 50, 60].map(image);
      const r = await extractFeaturesBatch([image(10), ...sources], { ...fake, cacheDir });
      expect(r.failures).toEqual([]);
      expect(r.results.map((x) => x.cached)).toEqual([true, false, false, false, false, false]);
      expect(r.cacheWarning).toMatch(/the cache could not be written \((EEXIST|ENOTDIR)/);
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
    }
    await mkdir(join(dir, 'ok'));
    expect((await extractFeaturesBatch([image(10)], { ...fake, cacheDir: join(dir, 'ok') })).cacheWarning).toBeUndefined();
  });
});
