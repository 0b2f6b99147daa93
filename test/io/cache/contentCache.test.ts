import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArgumentError } from '../../../src/core/index.js';
import { CONTENT_CACHE_FORMAT, openContentCache } from '../../../src/io/cache/contentCache.js';
import { sha256Hex } from '../../../src/io/bytes/sha256Hex.js';
import type { ContentCacheOptions } from '../../../src/io/cache/contentCache.js';

/** Values: arrays of finite numbers. */
const numbers: ContentCacheOptions<number[]> = {
  kind: 'test',
  version: 1,
  settings: { a: 1, b: { c: 2, d: 3 } },
  decode: (j) => (Array.isArray(j) && j.length > 0 && j.every((x) => typeof x === 'number' && Number.isFinite(x)) ? j : undefined),
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lymphomix-content-cache-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('openContentCache', () => {
  it('keys by the SHA-256 of the bytes; one folder per kind, version and settings (key order irrelevant)', async () => {
    const root = join(dir, 'keys');
    const cache = await openContentCache(root, numbers);
    const same = await openContentCache(root, { ...numbers, settings: { b: { d: 3, c: 2 }, a: 1 } });
    const other = await openContentCache(root, { ...numbers, settings: { a: 1, b: { c: 2, d: 4 } } });
    const newer = await openContentCache(root, { ...numbers, version: 2 });
    const bytes = new Uint8Array([1, 2, 3]);
    const h = await sha256Hex(bytes);
    expect(h).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(await sha256Hex(new Uint8Array())).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(same.dir).toBe(cache.dir);
    expect(other.dir).not.toBe(cache.dir);
    expect(newer.dir).not.toBe(cache.dir);
    expect(cache.dir).toMatch(/test-[0-9a-f]{16}$/);

    expect(await cache.get(h)).toBeUndefined();
    await cache.set(h, [1.5, -2, 1e-30]);
    expect(await same.get(h)).toEqual([1.5, -2, 1e-30]);
    expect(await other.get(h)).toBeUndefined();
    expect(await newer.get(h)).toBeUndefined();
    expect(cache.stats).toEqual({ hits: 0, invalid: 0, written: 1 });
    expect(same.stats).toEqual({ hits: 1, invalid: 0, written: 0 });
    const files = await filesUnder(root);
    expect(files).toEqual([join(cache.dir, h.slice(0, 2), `${h}.json`)]); // nothing else, no temporary file
    const entry = JSON.parse(await readFile(files[0]!, 'utf8'));
    expect(entry).toEqual({ format: CONTENT_CACHE_FORMAT, kind: 'test', version: 1, settingsId: cache.settingsId, hash: h, settings: { a: 1, b: { c: 2, d: 3 } }, value: [1.5, -2, 1e-30] });
  });

  it('never serves an invalid entry: corrupt JSON, a bad value, another hash or settings; counts each', async () => {
    const root = join(dir, 'invalid');
    const cache = await openContentCache(root, numbers);
    const h = await sha256Hex(new Uint8Array([9]));
    await cache.set(h, [1, 2]);
    const file = join(cache.dir, h.slice(0, 2), `${h}.json`);
    const good = JSON.parse(await readFile(file, 'utf8'));
    const bad = [
      '{"format":1,', // cut by a crash of another tool
      JSON.stringify({ ...good, value: [1, 'x'] }), // non-numeric
      JSON.stringify({ ...good, value: [] }), // missing values
      JSON.stringify({ ...good, value: null }),
      JSON.stringify({ ...good, hash: '0'.repeat(64) }), // another item's entry copied here
      JSON.stringify({ ...good, settingsId: '0'.repeat(16) }),
      JSON.stringify({ ...good, format: CONTENT_CACHE_FORMAT + 1 }),
    ];
    for (const text of bad) {
      await writeFile(file, text);
      expect(await cache.get(h)).toBeUndefined();
    }
    expect(cache.stats.invalid).toBe(bad.length);
    expect(cache.stats.hits).toBe(0);
    await cache.set(h, [3]);
    expect(await cache.get(h)).toEqual([3]);
  });

  it('uses encode and decode for values that are not JSON (Float32Array)', async () => {
    const cache = await openContentCache<Float32Array>(join(dir, 'f32'), {
      kind: 'embedding',
      version: 1,
      settings: null,
      encode: (v) => Array.from(v),
      decode: (j) => (Array.isArray(j) && j.every(Number.isFinite) ? Float32Array.from(j as number[]) : undefined),
    });
    const v = Float32Array.from([0.1, Math.PI, -1e-7]);
    const h = await sha256Hex(new Uint8Array([4, 2]));
    await cache.set(h, v);
    expect(await cache.get(h)).toEqual(v); // float32 values round-trip exactly through JSON
  });

  it('keeps one complete entry when the same key is written concurrently', async () => {
    const cache = await openContentCache(join(dir, 'race'), numbers);
    const h = await sha256Hex(new Uint8Array([7, 7]));
    await Promise.all(Array.from({ length: 8 }, (_, i) => cache.set(h, Array.from({ length: 2000 }, () => i))));
    const got = await cache.get(h);
    expect(got).toHaveLength(2000);
    expect(new Set(got).size).toBe(1);
    expect(await filesUnder(cache.dir)).toHaveLength(1);
  });

  it('checks its arguments, naming the public function', async () => {
    await expect(openContentCache('', numbers, 'extractFeaturesBatch')).rejects.toThrow(
      /^extractFeaturesBatch: cacheDir must be a non-empty string, got ""$/,
    );
    await expect(openContentCache(dir, { ...numbers, kind: '../x' })).rejects.toThrow(ArgumentError);
    await expect(openContentCache(dir, { ...numbers, version: -1 })).rejects.toThrow(/cache version must be an integer ≥ 0/);
    await expect(openContentCache(dir, { ...numbers, settings: { n: 1n } })).rejects.toThrow(/cache settings must be JSON-serialisable/);
    const cache = await openContentCache(join(dir, 'checks'), numbers);
    await expect(cache.get('../../etc/passwd')).rejects.toThrow(/cache key must be a SHA-256/);
    await expect(cache.set('ABC', [1])).rejects.toThrow(/cache key must be a SHA-256/);
  });
});
