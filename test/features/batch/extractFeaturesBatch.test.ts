import { mkdtemp, readdir, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractFeaturesBatch } from '../../../src/features/batch/extractFeaturesBatch.js';
import type { BatchProgressDetail } from '../../../src/features/batch/extractFeaturesBatch.js';
import type { ProgressEvent } from '../../../src/core/index.js';
import { ArgumentError } from '../../../src/core/index.js';

type BatchProgress = ProgressEvent<BatchProgressDetail>;

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
    expect(progress.every((p) => p.stage === 'features' && p.total === 3 && p.detail.failed === 0 && p.detail.cached === 0)).toBe(true);
    expect(progress.map((p) => p.detail.source)).toEqual(['<12 bytes>', '<12 bytes>', '<12 bytes>']);
    expect(progress.at(-1)?.etaSeconds).toBe(0);
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
    expect(progress.at(-1)).toMatchObject({ done: 4, total: 4, detail: { failed: 1 } });
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
      workerUrl: relative(process.cwd(), fileURLToPath(new URL('../../../src/features/batch/featureWorker.ts', import.meta.url))),
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
      decoder: 'sharp',
      invalidCacheEntries: 0,
    });
    expect(progress).toEqual([]);
  });

  it('checks its inputs early, with ArgumentErrors naming the function, the argument and the index', async () => {
    await expect(extractFeaturesBatch('x.jpg' as unknown as string[])).rejects.toThrow(/^extractFeaturesBatch: sources must be an array, got "x.jpg"$/);
    await expect(extractFeaturesBatch([], { workers: -1 })).rejects.toThrow('extractFeaturesBatch: options.workers must be an integer ≥ 0, got -1');
    await expect(extractFeaturesBatch([], { workers: 1.5 })).rejects.toThrow(/got 1\.5/);
    await expect(extractFeaturesBatch([], { cacheDir: '' })).rejects.toThrow(ArgumentError);
    await expect(extractFeaturesBatch([], { cell: 3 as unknown as object })).rejects.toThrow(/^extractFeaturesBatch: options.cell must be an options object, got 3$/);
    await expect(extractFeaturesBatch([], { extractorModule: '' })).rejects.toThrow(/^extractFeaturesBatch: options.extractorModule must be a non-empty string/);
    const decoder = { name: 'custom', decode: () => Promise.reject(new Error('unused')) };
    await expect(extractFeaturesBatch([image(1)], { workers: 2, decode: { decoder } })).rejects.toThrow(
      /^extractFeaturesBatch: options.decode.decoder must be a decoder's name .* with workers/,
    );
  });

  it('throws at once for the wrong kind of object (cohort patients instead of their images), naming the index', async () => {
    const patients = [{ id: 'P0', label: 1, images: ['a.jpg'] }, { id: 'P1', label: 0, images: [] }];
    const progress: BatchProgress[] = [];
    const call = extractFeaturesBatch(patients as unknown as string[], { ...fake, workers: 2, onProgress: (p) => progress.push(p) });
    await expect(call).rejects.toThrow(ArgumentError);
    await expect(call).rejects.toThrow(
      /^extractFeaturesBatch: sources\[0\] must be an image source \(a file path, URL, Uint8Array, ArrayBuffer or Blob\), got an object \{id, label, images\}$/,
    );
    expect(progress).toEqual([]); // no image was tried
    await expect(extractFeaturesBatch([image(1), ''], { ...fake, workers: 0 })).rejects.toThrow(/sources\[1\] must be an image source/);
    await expect(extractFeaturesBatch([image(1), 42 as unknown as string], { ...fake, workers: 0 })).rejects.toThrow(/sources\[1\] .*got 42$/);
  });

  it('names an extractor module that exports neither step, at once, with and without workers', async () => {
    const empty = join(dir, 'empty-module.mjs');
    await writeFile(empty, 'export const nothing = 1;\n');
    for (const workers of [0, 2]) {
      await expect(extractFeaturesBatch([image(1), image(2)], { extractorModule: empty, workers })).rejects.toThrow(
        `loadCellExtractor: module ${pathToFileURL(empty).href} exports neither decodeImageBytes nor extractCellFeatures`,
      );
    }
    await expect(extractFeaturesBatch([image(1)], { extractorModule: empty, workers: 1 })).rejects.toThrow(/^extractFeaturesBatch: worker threads cannot start/);
    await expect(extractFeaturesBatch([image(1)], { extractorModule: empty, workers: 0 })).rejects.toThrow(/^extractFeaturesBatch: cannot load extractorModule/);
  });

  it('names a worker module that cannot start', async () => {
    const broken = join(dir, 'broken-worker.mjs');
    await writeFile(broken, "throw new Error('no such worker');\n");
    await expect(extractFeaturesBatch([image(1), image(2)], { ...fake, workers: 2, workerUrl: broken })).rejects.toThrow(
      `extractFeaturesBatch: worker threads cannot start (${pathToFileURL(broken).href}): no such worker`,
    );
  });

  it('an aborted batch with workers rejects promptly (a stuck image\'s thread is stopped) and keeps cached work', async () => {
    const cacheDir = join(dir, 'cache-abort');
    const stuck = new Uint8Array([0x73, 1, 2, 3, 4, 5]);
    const controller = new AbortController();
    const started = performance.now();
    const call = extractFeaturesBatch([image(5), image(6), stuck, image(7)], {
      ...fake,
      workers: 2,
      cacheDir,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done === 3) controller.abort(new Error('stop now'));
      },
    });
    await expect(call).rejects.toThrow('stop now');
    expect(performance.now() - started).toBeLessThan(20_000); // the stuck image waits 60 s
    expect((await filesUnder(cacheDir)).length).toBe(3);
  });

  it('ignores what onProgress returns (e.g. process.stdout.write\'s true)', async () => {
    const listener = (() => true) as unknown as () => void;
    const { results } = await extractFeaturesBatch([image(1), image(2), image(3)], { ...fake, workers: 0, onProgress: listener });
    expect(results).toHaveLength(3);
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
  it('never serves an entry with a bad status or missing or non-numeric values: recomputes and counts it', async () => {
    const cacheDir = join(dir, 'cache-invalid');
    await extractFeaturesBatch([image(40)], { ...fake, workers: 0, cacheDir });
    const [file] = await filesUnder(cacheDir);
    const entry = JSON.parse(await readFile(file as string, 'utf8'));
    const bad = [
      { ...entry.value, status: 'maybe' },
      { ...entry.value, features: null }, // 'ok' without features
      { ...entry.value, features: { ...entry.value.features, solidity: 'x' } },
      { ...entry.value, measurements: {} },
      { status: 'no-nucleus', measurements: entry.value.measurements, features: { solidity: 1 } },
    ];
    for (const value of bad) {
      await writeFile(file as string, JSON.stringify({ ...entry, value }));
      const progress: BatchProgress[] = [];
      const run = await extractFeaturesBatch([image(40)], { ...fake, workers: 0, cacheDir, onProgress: (p) => progress.push(p) });
      expect(run.results[0]?.cached).toBe(false);
      expect(run.results[0]?.features?.solidity).toBeCloseTo(40 / 255, 12);
      expect(run.invalidCacheEntries).toBe(1);
      expect(progress.at(-1)?.detail).toMatchObject({ invalidCacheEntries: 1, cached: 0 });
    }
    expect(JSON.parse(await readFile(file as string, 'utf8'))).toEqual(entry); // rewritten
  });

  it('records the decoder actually used in the result, the progress and the cache entries', async () => {
    const cacheDir = join(dir, 'cache-decoder');
    const progress: BatchProgress[] = [];
    const auto = await extractFeaturesBatch([image(10)], { ...fake, workers: 0, cacheDir, onProgress: (p) => progress.push(p) });
    expect(auto.decoder).toBe('sharp'); // 'auto' with sharp installed
    expect(progress[0]?.detail.decoder).toBe('sharp');
    const jimp = await extractFeaturesBatch([image(10)], { ...fake, workers: 0, cacheDir, decode: { decoder: 'jimp' } });
    expect(jimp.decoder).toBe('jimp');
    expect(jimp.results[0]?.cached).toBe(false); // entries made with sharp are not served for jimp
    const sharp = await extractFeaturesBatch([image(10)], { ...fake, workers: 1, cacheDir, decode: { decoder: 'sharp' } });
    expect(sharp.results[0]?.cached).toBe(true); // 'auto' resolved to sharp: the same entries
    const entries = await Promise.all((await filesUnder(cacheDir)).map(async (f) => JSON.parse(await readFile(f, 'utf8'))));
    expect(entries.map((e) => e.settings.decode.decoder).sort()).toEqual(['jimp', 'sharp']);
  });

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
    // a run served entirely from the cache starts no thread (a worker module that cannot load is never loaded)
    const broken = join(dir, 'never-loaded-worker.mjs');
    await writeFile(broken, "throw new Error('loaded');\n");
    const third = await extractFeaturesBatch([sources[0]!, sources[1]!, sources[3]!], { ...fake, workers: 2, cacheDir, workerUrl: broken });
    expect(third.results.every((r) => r.cached)).toBe(true);
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
    expect(again.invalidCacheEntries).toBe(1);
    expect(await readFile(file as string, 'utf8')).toBe(good);
    const third = await extractFeaturesBatch([image(77)], { ...fake, workers: 0, cacheDir });
    expect(third.results[0]?.cached).toBe(true);
  });
});
