import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ProgressEvent } from '../../../src/core/index.js';
import { openContentCache } from '../../../src/io/cache/contentCache.js';
import { runCachedBatch } from '../../../src/io/cache/runCachedBatch.js';
import type { BatchItem, BatchProgressDetail } from '../../../src/io/cache/runCachedBatch.js';

/** The value of an image: the sum of its bytes; a first byte 0 fails. */
const compute = async (items: BatchItem[]) =>
  items.map((i) => (i.bytes[0] === 0 ? { ok: false as const, message: 'zero' } : { ok: true as const, value: i.bytes.reduce((a, b) => a + b, 0) }));
const numbers = { kind: 'sum', version: 1, settings: null, decode: (j: unknown) => (typeof j === 'number' ? j : undefined) };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lymphomix-run-batch-'));
});
afterAll(async () => {
  await chmod(dir, 0o755).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

describe('runCachedBatch', () => {
  it('computes in chunks over lanes, keeps input order, reports each image once, serves the cache on a rerun', async () => {
    const sources = [1, 2, 0, 4, 5, 6, 7].map((v) => new Uint8Array([v, v]));
    const cache = await openContentCache<number>(join(dir, 'c'), numbers);
    const chunks: number[][] = [];
    const events: ProgressEvent<BatchProgressDetail>[] = [];
    const first = await runCachedBatch(sources, {
      stage: 'test',
      cache,
      chunk: 3,
      lanes: 2,
      decoder: 'none',
      compute: async (items) => {
        chunks.push(items.map((i) => i.index));
        return compute(items);
      },
      onProgress: (e) => events.push(e),
    });
    expect(chunks.sort((a, b) => a[0]! - b[0]!)).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(first.values.map((v) => v?.value)).toEqual([2, 4, undefined, 8, 10, 12, 14]);
    expect(first.failures).toEqual([{ index: 2, source: '<2 bytes>', message: '<2 bytes>: zero' }]);
    expect(events.map((e) => e.done)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(events.at(-1)).toMatchObject({ stage: 'test', total: 7, detail: { failed: 1, cached: 0, decoder: 'none' } });
    const second = await runCachedBatch(sources, { stage: 'test', cache, chunk: 3, lanes: 2, decoder: 'none', compute: async (items) => {
      expect(items.map((i) => i.index)).toEqual([2]); // only the failure is computed again
      return compute(items);
    } });
    expect(second.values.map((v) => v?.cached)).toEqual([true, true, undefined, true, true, true, true]);
    expect(second.values[0]?.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('stops with the first error of compute or of onProgress', async () => {
    const sources = [new Uint8Array([1]), new Uint8Array([2])];
    const base = { stage: 'test', cache: undefined, chunk: 1, lanes: 1, decoder: 'none' };
    await expect(runCachedBatch(sources, { ...base, compute: () => Promise.reject(new Error('pass failed')) })).rejects.toThrow('pass failed');
    await expect(runCachedBatch(sources, { ...base, compute, onProgress: () => { throw new Error('listener'); } })).rejects.toThrow('listener');
  });

  it('goes on uncached when the cache cannot be written (a mocked EACCES on every write), saying so once', async () => {
    const sources = [1, 2, 3].map((v) => new Uint8Array([v]));
    const cache = await openContentCache<number>(join(dir, 'unwritable'), numbers);
    let tries = 0;
    const set = (): Promise<void> => {
      tries++;
      return Promise.reject(Object.assign(new Error(`EACCES: permission denied, open '${cache.dir}/x.json'`), { code: 'EACCES' }));
    };
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const result = await runCachedBatch(sources, { stage: 'test', fn: 'someBatch', cache: { ...cache, get: cache.get, set }, chunk: 1, lanes: 1, decoder: 'none', compute });
    expect(warn.mock.calls).toEqual([[result.cacheWarning]]);
    warn.mockRestore();
    expect(result.failures).toEqual([]);
    expect(result.values.map((v) => v?.value)).toEqual([1, 2, 3]);
    expect(result.cacheWarning).toMatch(/^someBatch: the cache could not be written \(EACCES: permission denied, open '.*'\); the batch went on without caching/);
    expect(tries).toBe(1); // said and tried once
    const fine = await runCachedBatch(sources, { stage: 'test', cache, chunk: 1, lanes: 1, decoder: 'none', compute });
    expect(fine.cacheWarning).toBeUndefined();
  });

  it('rejects with the signal\'s reason, starting nothing after the abort', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const run = runCachedBatch([1, 2, 3, 4].map((v) => new Uint8Array([v])), {
      stage: 'test',
      cache: undefined,
      chunk: 1,
      lanes: 1,
      decoder: 'none',
      compute: async (items) => {
        seen.push(items[0]!.index);
        if (items[0]!.index === 1) controller.abort(new Error('halt'));
        return compute(items);
      },
      signal: controller.signal,
    });
    await expect(run).rejects.toThrow('halt');
    expect(seen).toEqual([0, 1]);
  });
});
