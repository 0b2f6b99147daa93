import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEATURE_CACHE_VERSION, openFeatureCache } from '../../../src/features/batch/featureCache.js';
import type { CellFeatures } from '../../../src/features/cell/index.js';

const value = {
  status: 'ok',
  measurements: { threshold: 120, area: 900, areaConvex: 950, perimeter: 110.5, perimeterConvex: 108.25 },
  features: { solidity: 900 / 950, convexity: 108.25 / 110.5 },
} as unknown as CellFeatures;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lymphomix-cache-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('openFeatureCache', () => {
  it('round-trips a value under a key that depends on the bytes and the settings only', async () => {
    const root = join(dir, 'roundtrip');
    const cache = await openFeatureCache(root, { settings: { cell: { a: 1, b: 2 } } });
    const same = await openFeatureCache(root, { settings: { cell: { b: 2, a: 1 } } }); // key order does not matter
    const other = await openFeatureCache(root, { settings: { cell: { a: 1, b: 3 } } });
    const bytes = new Uint8Array([1, 2, 3]);
    const key = cache.key(bytes);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(same.key(new Uint8Array([1, 2, 3]))).toBe(key);
    expect(other.key(bytes)).not.toBe(key);
    expect(cache.key(new Uint8Array([1, 2, 4]))).not.toBe(key);

    expect(await cache.get(key)).toBeUndefined();
    await cache.set(key, value);
    expect(await same.get(key)).toEqual(value);
    const files = await readdir(join(root, key.slice(0, 2)));
    expect(files).toEqual([`${key}.json`]); // the temporary file was renamed, nothing else left
    expect(JSON.parse(await readFile(join(root, key.slice(0, 2), `${key}.json`), 'utf8')).version).toBe(FEATURE_CACHE_VERSION);
  });

  it('does not read entries of another version', async () => {
    const root = join(dir, 'versions');
    const v1 = await openFeatureCache(root, { version: 1 });
    const v2 = await openFeatureCache(root, { version: 2 });
    const bytes = new Uint8Array([9]);
    expect(v2.key(bytes)).not.toBe(v1.key(bytes));
    await v1.set(v1.key(bytes), value);
    expect(await v2.get(v1.key(bytes))).toBeUndefined(); // even under the other version's key
  });

  it('keeps one complete entry when the same key is written concurrently', async () => {
    const root = join(dir, 'concurrent');
    const cache = await openFeatureCache(root);
    const key = cache.key(new Uint8Array([7, 7]));
    await Promise.all(Array.from({ length: 8 }, () => cache.set(key, value)));
    expect(await cache.get(key)).toEqual(value);
    expect(await readdir(join(root, key.slice(0, 2)))).toEqual([`${key}.json`]);
  });

  it('checks its inputs', async () => {
    await expect(openFeatureCache('')).rejects.toThrow('openFeatureCache: expected a non-empty folder path, got ""');
    const cache = await openFeatureCache(join(dir, 'checks'));
    await expect(cache.get('../../etc/passwd')).rejects.toThrow(/FeatureCache: expected a 64-digit hex key/);
    await expect(cache.set('abc', value)).rejects.toThrow(/FeatureCache: expected a 64-digit hex key, got "abc"/);
  });
});
