import { mkdtemp, readdir, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractFeaturesBatch } from '../../../src/features/batch/extractFeaturesBatch.js';
import type { BatchProgress } from '../../../src/features/batch/extractFeaturesBatch.js';

const FAKE = fileURLToPath(new URL('./fixtures/fakeExtractor.mjs', import.meta.url));
const fake = { extractorModule: FAKE } as const;

/** Fake "images": 1-row RGB byte strings with distinct means. */
function image(value: number, pixels = 4): Uint8Array {
  return new Uint8Array(pixels * 3).fill(value);
}
const bad = (): Uint8Array => new Uint8Array([0x21, 1, 2, 3]);
const crash = (): Uint8Array => new Uint8Array([0x7e, 1, 2, 3]);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lymphomix-batch-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('extractFeaturesBatch (stand-in extractor)', () => {
  it('processes images in this thread with workers: 0, in input order', async () => {
    const sources = [image(51), image(0), image(102)];
    const progress: BatchProgress[] = [];
    const { results, failures } = await extractFeaturesBatch(sources, { ...fake, workers: 0, onProgress: (p) => progress.push(p) });
    expect(failures).toEqual([]);
    expect(results.map((r) => r.index)).toEqual([0, 1, 2]);
    expect(results.map((r) => r.status)).toEqual(['ok', 'no-nucleus', 'ok']);
    expect(results[0]?.features?.solidity).toBeCloseTo(0.2, 12);
    expect(results[1]?.features).toBeNull();
    expect(results[2]?.features?.solidity).toBeCloseTo(0.4, 12);
    expect(results.every((r) => r.measurements.area === 0)).toBe(true); // main thread
    expect(results[0]?.source).toBe('<12 bytes>');
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3]);
    expect(progress.every((p) => p.total === 3 && p.failed === 0)).toBe(true);
  });

  it('runs in worker threads loaded from TypeScript source and gives the same features', async () => {
    const sources = Array.from({ length: 6 }, (_, i) => image(10 * (i + 1)));
    const single = await extractFeaturesBatch(sources, { ...fake, workers: 0 });
    const pooled = await extractFeaturesBatch(sources, { ...fake, workers: 2 });
    expect(pooled.failures).toEqual([]);
    expect(pooled.results.map((r) => r.features)).toEqual(single.results.map((r) => r.features));
    const threads = new Set(pooled.results.map((r) => r.measurements.area));
    expect(threads.has(0)).toBe(false); // every image ran off the main thread
    expect(threads.size).toBeGreaterThanOrEqual(1);
    expect(threads.size).toBeLessThanOrEqual(2);
  });

  it('never detaches the caller\'s bytes or buffers when sending them to a worker', async () => {
    const bytes = image(30);
    const buffer = new ArrayBuffer(12);
    new Uint8Array(buffer).fill(60);
    const { results } = await extractFeaturesBatch([bytes, buffer], { ...fake, workers: 1 });
    expect(results.map((r) => r.features?.solidity)).toEqual([30 / 255, 60 / 255]);
    expect(bytes.byteLength).toBe(12);
    expect(bytes[0]).toBe(30);
    expect(buffer.byteLength).toBe(12);
  });

  it('records a bad image as a failure naming it and finishes the others', async () => {
    for (const workers of [0, 2]) {
      const { results, failures } = await extractFeaturesBatch([image(20), bad(), image(40)], { ...fake, workers });
      expect(results.map((r) => r.index)).toEqual([0, 2]);
      expect(failures).toHaveLength(1);
      expect(failures[0]?.index).toBe(1);
      expect(failures[0]?.message).toBe('<4 bytes>: fake decoder: not an image');
    }
  });

  it('survives a worker thread that dies: only its image fails, the next ones run on a new thread', async () => {
    const progress: BatchProgress[] = [];
    const { results, failures } = await extractFeaturesBatch([image(20), crash(), image(40), image(60)], {
      ...fake,
      workers: 1,
      onProgress: (p) => progress.push(p),
    });
    expect(failures.map((f) => f.index)).toEqual([1]);
    expect(failures[0]?.message).toMatch(/worker thread exited \(code 3\)/);
    expect(results.map((r) => r.index)).toEqual([0, 2, 3]);
    expect(new Set(results.map((r) => r.measurements.area)).size).toBe(2); // a second thread after the crash
    expect(progress.at(-1)).toMatchObject({ done: 4, total: 4, failed: 1 });
  });

  it('reads file paths and names a missing file in its failure', async () => {
    const a = join(dir, 'a.img');
    await writeFile(a, image(90));
    const missing = join(dir, 'missing.jpg');
    const { results, failures } = await extractFeaturesBatch([a, missing, pathToFileURL(a)], { ...fake, workers: 0 });
    expect(results.map((r) => r.source)).toEqual([a, pathToFileURL(a).href]);
    expect(failures[0]?.source).toBe(missing);
    expect(failures[0]?.message).toContain(missing);
  });

  it('accepts the extractor module and the worker entry as paths relative to the working directory', async () => {
    const { results } = await extractFeaturesBatch([image(102)], {
      extractorModule: relative(process.cwd(), FAKE),
      workerUrl: relative(process.cwd(), fileURLToPath(new URL('../../../src/features/batch/worker.ts', import.meta.url))),
      workers: 1,
    });
    expect(results[0]?.features?.solidity).toBe(0.4);
    expect(results[0]?.measurements.area).toBeGreaterThan(0);
  });

  it('returns empty lists for no sources without starting workers', async () => {
    const progress: BatchProgress[] = [];
    expect(await extractFeaturesBatch([], { ...fake, workers: 4, onProgress: (p) => progress.push(p) })).toEqual({
      results: [],
      failures: [],
    });
    expect(progress).toEqual([]);
  });

  it('checks its inputs early', async () => {
    await expect(extractFeaturesBatch('x.jpg' as unknown as string[])).rejects.toThrow(/extractFeaturesBatch: expected an array/);
    await expect(extractFeaturesBatch([], { workers: -1 })).rejects.toThrow('extractFeaturesBatch: expected workers to be an integer ≥ 0, got -1');
    await expect(extractFeaturesBatch([], { workers: 1.5 })).rejects.toThrow(/got 1\.5/);
    const decoder = { name: 'custom', decode: () => Promise.reject(new Error('unused')) };
    await expect(extractFeaturesBatch([image(1)], { workers: 2, decode: { decoder } })).rejects.toThrow(
      "extractFeaturesBatch: decode.decoder 'custom' is an object, which cannot be sent to worker threads",
    );
  });

  it('reports an extractor module that exports neither step for every image', async () => {
    const empty = join(dir, 'empty-module.mjs');
    await writeFile(empty, 'export const nothing = 1;\n');
    const { results, failures } = await extractFeaturesBatch([image(1), image(2)], { extractorModule: empty, workers: 0 });
    expect(results).toEqual([]);
    expect(failures.map((f) => f.message)).toEqual([
      `<12 bytes>: loadCellExtractor: module ${pathToFileURL(empty).href} exports neither decodeImageBytes nor extractCellFeatures`,
      `<12 bytes>: loadCellExtractor: module ${pathToFileURL(empty).href} exports neither decodeImageBytes nor extractCellFeatures`,
    ]);
  });

  it('aborts when onProgress throws, and on an aborted signal', async () => {
    await expect(
      extractFeaturesBatch([image(1), image(2)], { ...fake, workers: 0, onProgress: () => { throw new Error('stop here'); } }),
    ).rejects.toThrow('stop here');
    await expect(
      extractFeaturesBatch([image(1)], { ...fake, workers: 0, signal: AbortSignal.abort(new Error('cancelled')) }),
    ).rejects.toThrow('cancelled');
  });
});

describe('extractFeaturesBatch cache', () => {
  it('serves a second run from the cache with identical results', async () => {
    const cacheDir = join(dir, 'cache-repeat');
    const sources = [image(10), image(0), bad(), image(30)];
    const first = await extractFeaturesBatch(sources, { ...fake, workers: 2, cacheDir });
    expect(first.results.every((r) => !r.cached)).toBe(true);
    const second = await extractFeaturesBatch(sources, { ...fake, workers: 2, cacheDir });
    expect(second.results.every((r) => r.cached)).toBe(true);
    const strip = (r: { cached: boolean }) => ({ ...r, cached: undefined });
    expect(second.results.map(strip)).toEqual(first.results.map(strip));
    // Failures are not cached: the bad image fails again, with the same message.
    expect(second.failures).toEqual(first.failures);
    const files = await filesUnder(cacheDir);
    expect(files).toHaveLength(3);
    expect(files.every((f) => f.endsWith('.json'))).toBe(true); // no temporary file left behind
  });

  it('keys on content, options and extractor: equal bytes from another source hit, other options miss', async () => {
    const cacheDir = join(dir, 'cache-key');
    await extractFeaturesBatch([image(10)], { ...fake, workers: 0, cacheDir });
    const path = join(dir, 'same-bytes.img');
    await writeFile(path, image(10));
    const byPath = await extractFeaturesBatch([path], { ...fake, workers: 0, cacheDir });
    expect(byPath.results[0]?.cached).toBe(true);
    const otherOptions = await extractFeaturesBatch([image(10)], { ...fake, workers: 0, cacheDir, cell: { scale: 2 } as object });
    expect(otherOptions.results[0]?.cached).toBe(false);
    expect(otherOptions.results[0]?.features?.solidity).toBeCloseTo((2 * 10) / 255, 12);
  });

  it('resumes an interrupted run: finished images come from the cache, the rest are computed', async () => {
    const cacheDir = join(dir, 'cache-resume');
    const sources = Array.from({ length: 8 }, (_, i) => image(i + 1));
    const controller = new AbortController();
    await expect(
      extractFeaturesBatch(sources, {
        ...fake,
        workers: 0,
        cacheDir,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.done === 3) controller.abort(new Error('interrupted'));
        },
      }),
    ).rejects.toThrow('interrupted');
    expect(await filesUnder(cacheDir)).toHaveLength(3);
    const resumed = await extractFeaturesBatch(sources, { ...fake, workers: 2, cacheDir });
    expect(resumed.results.map((r) => r.cached)).toEqual([true, true, true, false, false, false, false, false]);
    expect(resumed.results.map((r) => r.features?.solidity)).toEqual(sources.map((s) => (s[0] as number) / 255));
  });

  it('treats a corrupt entry as missing and rewrites it; ignores stray temporary files', async () => {
    const cacheDir = join(dir, 'cache-corrupt');
    await extractFeaturesBatch([image(77)], { ...fake, workers: 0, cacheDir });
    const [file] = await filesUnder(cacheDir);
    expect(file).toBeDefined();
    const good = await readFile(file as string, 'utf8');
    await writeFile(file as string, good.slice(0, good.length >> 1)); // as if cut by a crash of another tool
    await writeFile(`${file as string}.123.abc.tmp`, 'partial');
    const again = await extractFeaturesBatch([image(77)], { ...fake, workers: 0, cacheDir });
    expect(again.results[0]?.cached).toBe(false);
    expect(await readFile(file as string, 'utf8')).toBe(good);
    const third = await extractFeaturesBatch([image(77)], { ...fake, workers: 0, cacheDir });
    expect(third.results[0]?.cached).toBe(true);
  });
});
