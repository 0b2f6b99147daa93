import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractFeaturesBatch } from '../../../src/features/batch/extractFeaturesBatch.js';
import { resolveFeatureWorkerUrl } from '../../../src/features/batch/resolveFeatureWorkerUrl.js';
import { buildLikeDist } from '../../helpers/buildLikeDist.js';
import tsupConfig from '../../../tsup.config.js';

const repo = resolve(fileURLToPath(import.meta.url), '../../../..');
const FAKE = fileURLToPath(new URL('./fixtures/fakeExtractor.mjs', import.meta.url));

// The bundle goes under node_modules/.cache so that its external imports (ndarray, jimp) resolve
// from the repository's node_modules, as they do from dist/.
let dist: string;
let empty: string;
beforeAll(async () => {
  const cache = join(repo, 'node_modules', '.cache');
  await mkdir(cache, { recursive: true });
  dist = await mkdtemp(join(cache, 'lymphomix-worker-test-'));
  empty = await mkdtemp(join(tmpdir(), 'lymphomix-worker-none-'));
});
afterAll(async () => {
  await rm(dist, { recursive: true, force: true });
  await rm(empty, { recursive: true, force: true });
});

describe('resolveFeatureWorkerUrl', () => {
  it('finds the TypeScript source next to the batch module when running from source', async () => {
    const url = await resolveFeatureWorkerUrl(pathToFileURL(join(repo, 'src/features/batch/resolveFeatureWorkerUrl.ts')).href);
    expect(fileURLToPath(url)).toBe(join(repo, 'src/features/batch/featureWorker.ts'));
  });

  it('names the candidates it tried when there is no worker', async () => {
    await expect(resolveFeatureWorkerUrl(pathToFileURL(join(empty, 'index.js')).href)).rejects.toThrow(
      /resolveFeatureWorkerUrl: no worker entry found \(tried .*featureWorker\.js, .*features\/batch\/featureWorker\.js, .*featureWorker\.ts\)/,
    );
  });
});

describe('the built worker (as tsup bundles it into dist/)', () => {
  it('is an entry of the package build, so dist/features/batch/featureWorker.js exists', () => {
    expect((tsupConfig as { entry: string[] }).entry).toContain('src/features/batch/featureWorker.ts');
  });

  it('is found beside a bundled index.js and serves a batch without any TypeScript loader', async () => {
    // The project's tsup settings, for the ESM build of the worker entry only (no .d.ts, no cleaning).
    await buildLikeDist({ 'features/batch/featureWorker': join(repo, 'src/features/batch/featureWorker.ts') }, dist);
    const entry = await resolveFeatureWorkerUrl(pathToFileURL(join(dist, 'index.js')).href);
    expect(fileURLToPath(entry)).toBe(join(dist, 'features/batch/featureWorker.js'));

    const sources = [new Uint8Array(12).fill(51), new Uint8Array([0x21, 0, 0]), new Uint8Array(6).fill(102)];
    const { results, failures } = await extractFeaturesBatch(sources, { extractorModule: FAKE, workers: 2, workerUrl: entry });
    expect(results.map((r) => r.features?.solidity)).toEqual([0.2, 0.4]);
    expect(results.every((r) => r.measurements.area > 0)).toBe(true); // ran in worker threads
    expect(failures.map((f) => f.index)).toEqual([1]);
  });
});
