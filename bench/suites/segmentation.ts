/**
 * `npm run bench -- segmentation [--images 300] [--workers <cores>] [--dir <images folder>] [--rounds 5] [--cpu-only]`
 *
 * ms/image of nucleus segmentation + the 51 handmade features on real cell images (by default
 * `--images` evenly spaced images of the DLMI cohort, `LYMPHOMIX_DLMI_DIR`), with and without
 * JPEG decoding, in this thread and with `extractFeaturesBatch`'s worker pool. Every step first
 * runs on a few warm-up images (not timed).
 *
 * The single-thread rows also get CPU time per image (`process.cpuUsage`, user + system, over
 * `--rounds` rounds of all the decoded images; min and median over the rounds): on a shared
 * machine it varies less than wall time. A calibration row (a plain loop of 150,528 byte adds,
 * the bytes of one 224×224 RGB image) shows how much the machine's load inflates CPU time.
 * `--cpu-only` prints just these rows (no decoding or pool timing), e.g. on the 40 lossless
 * reference images: `npm run bench -- segmentation --cpu-only --dir <shared>/reference/golden-png --rounds 20`.
 *
 * Last, in the same run and on the same images, the independent OpenCV/NumPy reference
 * (`<shared>/reference/tavakoli_reference.py`, `referenceSegmentation.ts`) when `--python` (default Debian's
 * `/usr/bin/python3`, which has python3-opencv) can import cv2: its ms/image (decoding excluded, timed inside
 * Python, `--rounds` rounds) beside `extractCellFeatures`' (decoding excluded), and the ratio. Without cv2 the
 * column is skipped with a one-line note; `--reference false` skips it.
 * @module
 */
import { readdir, readFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { decodeImageBytes, resolveDecoder } from '../../src/io/index.js';
import type { RgbImage } from '../../src/io/index.js';
import { segmentNucleus } from '../../src/segmentation/index.js';
import { extractCellFeatures, extractFeaturesBatch } from '../../src/features/index.js';
import { buildLikeDist } from '../../test/helpers/buildLikeDist.js';
import { DLMI_DIR, REFERENCE_DIR } from '../../test/helpers/shared.js';
import type { BenchSuite } from '../suite.js';
import { formatTable, intOption, parseOptions } from '../table.js';
import { timeReferenceSegmentation } from './referenceSegmentation.js';

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
 * Build `src/features/batch/featureWorker.ts` with the project's tsup settings (as `npm run build` puts
 * it in dist/) into node_modules/.cache, so that its external imports resolve; returns its URL.
 */
async function buildWorker(): Promise<URL> {
  const outDir = fileURLToPath(new URL('../../node_modules/.cache/lymphomix-bench-worker', import.meta.url));
  const worker = fileURLToPath(new URL('../../src/features/batch/featureWorker.ts', import.meta.url));
  await buildLikeDist({ 'features/batch/featureWorker': worker }, outDir, true);
  return pathToFileURL(join(outDir, 'features/batch/featureWorker.js'));
}

/** CPU time per call: min and median over rounds. */
interface CpuTiming {
  min: number;
  median: number;
}

/** CPU time per call, and the wall time of the same rounds. */
interface CpuWallTiming extends CpuTiming {
  wall: CpuTiming;
}

/** Min and median of `xs` (sorts it). */
function minMedian(xs: number[]): CpuTiming {
  xs.sort((a, b) => a - b);
  return { min: xs[0] ?? NaN, median: xs[Math.floor((xs.length - 1) / 2)] ?? NaN };
}

/**
 * CPU ms per image of `fn`: `rounds` rounds, each calling it once per image after one untimed
 * warm-up round (JIT); process CPU time (user + system) per round divided by the image count.
 */
function cpuPerImage<T>(items: readonly T[], rounds: number, fn: (item: T) => unknown): CpuWallTiming {
  for (const item of items) fn(item);
  const perRound: number[] = [];
  const wall: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const w0 = performance.now();
    const t0 = process.cpuUsage();
    for (const item of items) fn(item);
    const t = process.cpuUsage(t0);
    wall.push((performance.now() - w0) / items.length);
    perRound.push((t.user + t.system) / 1000 / items.length);
  }
  return { ...minMedian(perRound), wall: minMedian(wall) };
}

/**
 * Print the reference's ms/image beside the library's `extractCellFeatures` (both without decoding, same images,
 * same rounds) and the ratio, or the one-line reason it was skipped.
 */
async function printReferenceComparison(paths: readonly string[], rounds: number, python: string, library: CpuWallTiming): Promise<void> {
  const script = join(REFERENCE_DIR, 'tavakoli_reference.py');
  const ref = await timeReferenceSegmentation(paths, rounds, python, script);
  if ('skipped' in ref) {
    console.log(`\n${ref.skipped}`);
    return;
  }
  const pair = (t: CpuTiming) => `${t.min.toFixed(3)} / ${t.median.toFixed(3)}`;
  console.log(
    `\nbeside the OpenCV/NumPy reference (${script}, ${python}), same ${ref.images} images, decoding excluded, ` +
      `${rounds} round(s) after a warm-up round, min / median over the rounds:\n`,
  );
  console.log(
    formatTable(
      ['implementation', 'wall ms/image', 'CPU ms/image', 'nucleus found'],
      [
        ['lymphomix extractCellFeatures (1 thread)', pair(library.wall), pair(library), '-'],
        ['reference features() (OpenCV/NumPy)', pair(ref.wall), pair(ref.cpu), `${ref.ok}/${ref.images}`],
      ],
    ),
  );
  console.log(
    `\nratio reference / library (how many times faster the library is), on the minima: wall ` +
      `${(ref.wall.min / library.wall.min).toFixed(2)}x, CPU ${(ref.cpu.min / library.min).toFixed(2)}x`,
  );
}

/**
 * ms per image of `extractCellFeatures` called on each image right after decoding it, as the batch
 * extraction does (the pixels are in cache; decoding is not timed): `rounds` rounds over `bytes`,
 * wall time (performance.now) and process CPU time summed over the calls of a round; min and median
 * over the rounds.
 */
async function justDecodedPerImage(bytes: readonly Uint8Array[], rounds: number): Promise<{ wall: CpuTiming; cpu: CpuTiming }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let w = 0;
    let c = 0;
    for (const b of bytes) {
      const image = await decodeImageBytes(b);
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      extractCellFeatures(image);
      const dc = process.cpuUsage(c0);
      w += performance.now() - t0;
      c += (dc.user + dc.system) / 1000;
    }
    wall.push(w / bytes.length);
    cpu.push(c / bytes.length);
  }
  const summary = (xs: number[]): CpuTiming => {
    xs.sort((a, b) => a - b);
    return { min: xs[0] ?? NaN, median: xs[Math.floor((xs.length - 1) / 2)] ?? NaN };
  };
  return { wall: summary(wall), cpu: summary(cpu) };
}

/** The calibration loop: sums the 150,528 bytes of one 224×224 RGB image. */
const calibrationBytes = Uint8Array.from({ length: 224 * 224 * 3 }, (_, i) => (i * 7) & 255);
let calibrationSink = 0;
function calibrationLoop(): void {
  let s = 0;
  for (let i = 0; i < calibrationBytes.length; i++) s += calibrationBytes[i]!;
  calibrationSink += s;
}

/** Seconds taken by `fn`. */
async function seconds(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

export const segmentationSuite: BenchSuite = {
  usage:
    '  --images N    images to time (default 300)\n  --workers W   worker threads for the pool (default: available cores)\n' +
    '  --dir DIR     image folder (default: the DLMI cohort)\n  --rounds R    rounds of the CPU-time measurement (default 5)\n' +
    '  --cpu-only    only the single-thread CPU-time rows (no decoding or pool timing)\n' +
    '  --reference B the OpenCV/NumPy reference on the same images, with the ratio (default true; needs cv2)\n' +
    '  --python P    the python with cv2, numpy and scipy for it (default /usr/bin/python3)',
  async run(args) {
    const opts = parseOptions(args);
    const count = intOption(opts, 'images', 300);
    const workers = intOption(opts, 'workers', availableParallelism());
    const rounds = Math.max(1, intOption(opts, 'rounds', 5));
    const cpuOnly = opts.get('cpu-only') === 'true';
    const withReference = opts.get('reference') !== 'false';
    const python = opts.get('python') ?? '/usr/bin/python3';
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
    const cpuCalibration = cpuPerImage([0], rounds * n, calibrationLoop);
    const cpuSegment = cpuPerImage(images, rounds, (image) => segmentNucleus(image));
    const cpuFeatures = cpuPerImage(images, rounds, (image) => extractCellFeatures(image));
    const hot = await justDecodedPerImage(bytes, rounds);
    const hotNote =
      `extractCellFeatures right after decoding each image (pixels in cache, as in extractFeaturesBatch; decoding not ` +
      `timed), ${rounds} round(s): wall ${hot.wall.min.toFixed(3)} / ${hot.wall.median.toFixed(3)} ms/image, ` +
      `CPU ${hot.cpu.min.toFixed(3)} / ${hot.cpu.median.toFixed(3)} ms/image (min / median over the rounds).`;
    const cpu = cpus()[0]?.model ?? 'unknown CPU';
    const machine =
      `${cpu}, ${availableParallelism()} cores, Node ${process.version}, ` +
      `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;
    const cpuNote =
      `CPU ms/image: process CPU time (user + system), ${rounds} round(s) over the ${n} decoded images, ` +
      `min / median over the rounds. Calibration loop (${calibrationBytes.length} byte adds): ` +
      `${cpuCalibration.min.toFixed(3)} / ${cpuCalibration.median.toFixed(3)} ms (sink ${calibrationSink % 10}).`;
    if (cpuOnly) {
      console.log(`${n} images from ${dir}\n${machine}\n`);
      console.log(
        formatTable(
          ['step', 'CPU ms/image (min)', 'CPU ms/image (median)'],
          [
            ['segmentNucleus', cpuSegment.min, cpuSegment.median],
            ['extractCellFeatures (segmentation included)', cpuFeatures.min, cpuFeatures.median],
          ],
        ),
      );
      console.log(`\n${hotNote}\n${cpuNote}`);
      if (withReference) await printReferenceComparison(paths, rounds, python, cpuFeatures);
      return;
    }
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

    const row = (step: string, decode: string, threads: number, s: number, steadyMs = (1000 * s) / n, cpuMs?: CpuTiming) =>
      [step, decode, threads, s, (1000 * s) / n, steadyMs, cpuMs ? `${cpuMs.min.toFixed(3)} / ${cpuMs.median.toFixed(3)}` : '-'] as const;
    console.log(
      `${n} images from ${dir}\n${machine}\n` +
        `statuses: ${[...statuses].map(([s, c]) => `${c} ${s}`).join(', ')}; pool failures: ${failures}\n`,
    );
    console.log(
      formatTable(
        ['step', 'decode', 'threads', 'total s', 'ms/image', 'ms/image w/o start-up', 'CPU ms/image min / median'],
        [
          row(`decode only (${decoderName})`, 'yes', 1, tDecode),
          row('segmentNucleus', 'no', 1, tSegment, undefined, cpuSegment),
          row('extractCellFeatures', 'no', 1, tFeatures, undefined, cpuFeatures),
          row('extractFeaturesBatch', 'yes', 1, tSingle),
          row('extractFeaturesBatch, pool, featureWorker.ts via tsx', 'yes', workers, tPoolSource, steady(tPoolSource, tStartSource)),
          row('extractFeaturesBatch, pool, built featureWorker.js', 'yes', workers, tPoolBuilt, steady(tPoolBuilt, tStartBuilt)),
        ],
      ),
    );
    console.log(
      `\npool start-up (batch of ${workers} image(s), one per thread): ` +
        `${tStartSource.toFixed(2)} s from source, ${tStartBuilt.toFixed(2)} s built. ` +
        "'w/o start-up' = (total − start-up batch) / (images − threads).\n" +
        `${hotNote}\n${cpuNote}`,
    );
    if (withReference) await printReferenceComparison(paths, rounds, python, cpuFeatures);
  },
};
