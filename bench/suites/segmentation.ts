/**
 * `npm run bench -- segmentation [--images 300] [--workers <cores>] [--dir <images folder>]`
 *
 * ms/image of nucleus segmentation + the 51 handmade features on real cell images (by default
 * `--images` evenly spaced images of the DLMI cohort, `LYMPHOMIX_DLMI_DIR`), with and without
 * JPEG decoding, in this thread and with `extractFeaturesBatch`'s worker pool. Every step first
 * runs on a few warm-up images (not timed).
 * @module
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { decodeImageBytes, resolveDecoder } from '../../src/io/index.js';
import type { RgbImage } from '../../src/io/index.js';
import { segmentNucleus } from '../../src/segmentation/index.js';
import { extractCellFeatures, extractFeaturesBatch } from '../../src/features/index.js';
import { DLMI_DIR } from '../../test/helpers/shared.js';
import type { Options } from 'tsup';
import type { BenchSuite } from '../suite.js';
import { formatTable, intOption, parseOptions } from '../table.js';

const WARMUP = 5;

/** `count` image paths spread evenly over the sorted `.jpg/.jpeg/.png` files under `dir`. */
async function pickImages(dir: string, count: number): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const all = entries
    .filter((e) => e.isFile() && /\.(jpe?g|png)$/i.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
  if (all.length === 0) throw new Error(`bench segmentation: no images under ${dir}`);
  const n = Math.min(count, all.length);
  return Array.from({ length: n }, (_, i) => all[Math.floor((i * all.length) / n)] as string);
}

/**
 * Build `src/features/batch/worker.ts` with the project's tsup settings (as `npm run build` puts
 * it in dist/) into node_modules/.cache, so that its external imports resolve; returns its URL.
 */
async function buildWorker(): Promise<URL> {
  const { build } = await import('tsup');
  const config = (await import('../../tsup.config.js')).default as Options;
  const outDir = fileURLToPath(new URL('../../node_modules/.cache/lymphomix-bench-worker/', import.meta.url));
  await build({
    ...config,
    entry: { 'features/batch/worker': fileURLToPath(new URL('../../src/features/batch/worker.ts', import.meta.url)) },
    outDir,
    format: ['esm'],
    dts: false,
    clean: true,
    sourcemap: false,
    silent: true,
    config: false,
  });
  await writeFile(join(outDir, 'package.json'), '{"type":"module"}\n');
  return pathToFileURL(join(outDir, 'features/batch/worker.js'));
}

/** Seconds taken by `fn`. */
async function seconds(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

export const segmentationSuite: BenchSuite = {
  usage: '  --images N    images to time (default 300)\n  --workers W   worker threads for the pool (default: available cores)\n  --dir DIR     image folder (default: the DLMI cohort)',
  async run(args) {
    const opts = parseOptions(args);
    const count = intOption(opts, 'images', 300);
    const workers = intOption(opts, 'workers', availableParallelism());
    const dir = opts.get('dir') ?? DLMI_DIR;
    const paths = await pickImages(dir, count);
    const n = paths.length;

    const bytes = await Promise.all(paths.map((p) => readFile(p)));
    const decoderName = (await resolveDecoder()).name; // the default, 'auto': sharp when installed, else jimp
    const decodeAll = async (): Promise<RgbImage[]> => {
      const out: RgbImage[] = [];
      for (const b of bytes) out.push(await decodeImageBytes(b));
      return out;
    };
    for (const b of bytes.slice(0, WARMUP)) {
      const image = await decodeImageBytes(b);
      segmentNucleus(image);
      extractCellFeatures(image);
    }

    let images: RgbImage[] = [];
    const tDecode = await seconds(async () => {
      images = await decodeAll();
    });
    const tSegment = await seconds(() => {
      for (const image of images) segmentNucleus(image);
    });
    const statuses = new Map<string, number>();
    const tFeatures = await seconds(() => {
      for (const image of images) {
        const s = extractCellFeatures(image).status;
        statuses.set(s, (statuses.get(s) ?? 0) + 1);
      }
    });
    const tSingle = await seconds(() => extractFeaturesBatch(paths, { workers: 0 }));
    // Pool start-up (threads loading the library) is part of a batch's cost, so it is timed; the
    // steady state is estimated from a second, start-up-only batch of one image per worker.
    let failures = 0;
    const pool = async (workerUrl?: URL): Promise<[number, number]> => {
      const options = workerUrl === undefined ? { workers } : { workers, workerUrl };
      const total = await seconds(async () => {
        failures += (await extractFeaturesBatch(paths, options)).failures.length;
      });
      const startup = await seconds(() => extractFeaturesBatch(paths.slice(0, workers), options));
      return [total, startup];
    };
    const [tPoolSource, tStartSource] = await pool();
    const built = await buildWorker();
    const [tPoolBuilt, tStartBuilt] = await pool(built);
    const steady = (total: number, startup: number) => (1000 * (total - startup)) / Math.max(1, n - workers);

    const row = (step: string, decode: string, threads: number, s: number, steadyMs = (1000 * s) / n) =>
      [step, decode, threads, s, (1000 * s) / n, steadyMs] as const;
    const cpu = cpus()[0]?.model ?? 'unknown CPU';
    console.log(
      `${n} images from ${dir}\n${cpu}, ${availableParallelism()} cores, Node ${process.version}, ` +
        `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n` +
        `statuses: ${[...statuses].map(([s, c]) => `${c} ${s}`).join(', ')}; pool failures: ${failures}\n`,
    );
    console.log(
      formatTable(
        ['step', 'decode', 'threads', 'total s', 'ms/image', 'ms/image w/o start-up'],
        [
          row(`decode only (${decoderName})`, 'yes', 1, tDecode),
          row('segmentNucleus', 'no', 1, tSegment),
          row('extractCellFeatures', 'no', 1, tFeatures),
          row('extractFeaturesBatch', 'yes', 1, tSingle),
          row('extractFeaturesBatch, pool, worker.ts via tsx', 'yes', workers, tPoolSource, steady(tPoolSource, tStartSource)),
          row('extractFeaturesBatch, pool, built worker.js', 'yes', workers, tPoolBuilt, steady(tPoolBuilt, tStartBuilt)),
        ],
      ),
    );
    console.log(
      `\npool start-up (batch of ${workers} image(s), one per thread): ` +
        `${tStartSource.toFixed(2)} s from source, ${tStartBuilt.toFixed(2)} s built. ` +
        "'w/o start-up' = (total − start-up batch) / (images − threads).",
    );
  },
};
