/**
 * `npm run bench -- color [--images 40] [--reps 20] [--batch 4]` (or `npx tsx bench/suites/color.ts [options]`)
 *
 * ms/image of each colour conversion of `src/segmentation/color` on real 8-bit cell images: the
 * OpenCV-decoded PNGs of the shared reference folder (`<shared>/reference/golden-png`, read through
 * `LYMPHOMIX_SHARED_DIR`), one thread. Each conversion runs once on every image as warm-up, then
 * `--reps` times over all images; the table gives the median over repetitions of the mean per image, in wall time and in
 * this process's CPU time (the latter is the figure to trust on a loaded machine).
 * Then the tensor versions on tfjs's cpu backend (batch `--batch`, default 4; median of 3 runs after one warm-up).
 * @module
 */
import { readdir } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { decodeImage } from '../../src/io/image/decodeImage.js';
import type { RgbImage } from '../../src/io/image/rgbImage.js';
import * as color from '../../src/segmentation/color/index.js';
import { REFERENCE_DIR } from '../../test/helpers/shared.js';
import type { BenchSuite } from '../suite.js';
import { formatTable, intOption, parseOptions } from '../table.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** CPU milliseconds (user + system) of this process so far: less sensitive than wall time to a loaded machine. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Median over `reps` of the mean ms per image of `fn` over `images`: [wall, CPU]. */
function timePerImage(images: RgbImage[], reps: number, fn: (img: RgbImage) => unknown): [number, number] {
  for (const img of images) fn(img);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    const c0 = cpuMs();
    for (const img of images) fn(img);
    cpu.push((cpuMs() - c0) / images.length);
    wall.push((performance.now() - t0) / images.length);
  }
  return [median(wall), median(cpu)];
}

async function run(args: readonly string[]): Promise<void> {
  const options = parseOptions(args);
  const count = intOption(options, 'images', 40);
  const reps = intOption(options, 'reps', 20);
  const dir = join(REFERENCE_DIR, 'golden-png');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.png')).sort().slice(0, count);
  const images = await Promise.all(files.map((f) => decodeImage(join(dir, f))));
  const [h, w] = images[0]!.shape as [number, number, number];
  console.log(`${images.length} images ${w}x${h} from ${dir}; ${cpus()[0]?.model ?? '?'}; load ${loadavg()[0]?.toFixed(2)}; node ${process.version}\n`);

  const cases: [string, (img: RgbImage) => unknown][] = [
    ['rgbToGray8', color.rgbToGray8],
    ['rgbToHsv8', (img) => color.rgbToHsv8(img)],
    ['rgbToHls8 (full)', (img) => color.rgbToHls8(img, { full: true })],
    ['rgbToLab8', color.rgbToLab8],
    ['rgbToYcrcb8', color.rgbToYcrcb8],
    ['rgbToCmyk', color.rgbToCmyk],
    ['rgbToGray', color.rgbToGray],
    ['rgbToHsv', color.rgbToHsv],
    ['rgbToHls', color.rgbToHls],
    ['rgbToLab (exact)', (img) => color.rgbToLab(img)],
    ['rgbToLab (opencv)', (img) => color.rgbToLab(img, { method: 'opencv' })],
    ['rgbToYcrcb', color.rgbToYcrcb],
  ];
  const rows: (string | number)[][] = cases.map(([name, fn]) => [name, ...timePerImage(images, reps, fn)]);
  const features = ['rgbToHsv8', 'rgbToLab8', 'rgbToYcrcb8', 'rgbToHls8 (full)'];
  const picked = rows.filter((r) => features.includes(r[0] as string));
  const total = (j: number) => picked.reduce((s, r) => s + (r[j] as number), 0);
  rows.push(['hsv8 + lab8 + ycrcb8 + hls8 full', total(1), total(2)]);
  console.log(formatTable(['conversion (typed arrays)', 'wall ms/image', 'CPU ms/image'], rows));

  await tf.setBackend('cpu');
  await tf.ready();
  const batchImages = images.slice(0, intOption(options, 'batch', 4));
  const flat = new Int32Array(batchImages.length * h * w * 3);
  batchImages.forEach((img, i) => flat.set(img.data, i * h * w * 3));
  const batch = tf.tensor4d(flat, [batchImages.length, h, w, 3], 'int32');
  const tensorCases: [string, (x: tf.Tensor) => tf.Tensor][] = [
    ['rgbToGrayTensor', color.rgbToGrayTensor],
    ['rgbToHsvTensor', color.rgbToHsvTensor],
    ['rgbToLabTensor', color.rgbToLabTensor],
    ['rgbToYcrcbTensor', color.rgbToYcrcbTensor],
  ];
  const tensorRows = tensorCases.map(([name, fn]) => {
    const runs: number[] = [];
    for (let r = 0; r < 4; r++) {
      const t0 = performance.now();
      const out = fn(batch);
      out.dataSync();
      runs.push((performance.now() - t0) / batchImages.length);
      out.dispose();
    }
    return [name, median(runs.slice(1))];
  });
  batch.dispose();
  console.log(`\n${formatTable([`tensor op, tfjs ${tf.getBackend()} backend, batch ${batchImages.length}`, 'ms/image'], tensorRows)}`);
}

/** The colour conversion suite. */
export const colorSuite: BenchSuite = {
  usage:
    '  --images N   number of reference PNGs (default 40)\n  --reps N     timed repetitions (default 20)\n' +
    '  --batch N    batch size of the tensor ops (default 4)',
  run,
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
