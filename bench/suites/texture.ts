/**
 * `npm run bench -- texture [--images 40] [--reps 20]` (or `npx tsx bench/suites/texture.ts [options]`)
 *
 * ms/cell of the texture descriptors of `src/features/texture` on real cell images: the OpenCV-decoded PNGs of the
 * shared reference folder (`<shared>/reference/golden-png`, read through `LYMPHOMIX_SHARED_DIR`), each segmented
 * once by `segmentNucleus` (not timed), one thread. Each step runs once on every cell as warm-up, then `--reps` times
 * over all cells; the table gives the median over repetitions of the mean per cell, in wall and in CPU time.
 * @module
 */
import { readdir } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import ndarray from 'ndarray';
import { decodeImage } from '../../src/io/image/decodeImage.js';
import type { RgbImage } from '../../src/io/image/rgbImage.js';
import { rgbToGray8 } from '../../src/segmentation/color/index.js';
import { segmentNucleus } from '../../src/segmentation/nucleus/index.js';
import { extractTextureFeatures, glcm, glcmProperties, uniformLbpHistogram } from '../../src/features/texture/index.js';
import { REFERENCE_DIR } from '../../test/helpers/shared.js';
import type { BenchSuite } from '../suite.js';
import { formatTable, intOption, parseOptions } from '../table.js';

interface Cell {
  image: RgbImage;
  mask: Uint8Array;
  gray: ReturnType<typeof rgbToGray8>;
  area: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function timePerCell(cells: Cell[], reps: number, fn: (cell: Cell) => unknown): [number, number] {
  for (const c of cells) fn(c);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    const c0 = cpuMs();
    for (const c of cells) fn(c);
    cpu.push((cpuMs() - c0) / cells.length);
    wall.push((performance.now() - t0) / cells.length);
  }
  return [median(wall), median(cpu)];
}

/** The whole-image GLCM step as extractTextureFeatures does it (32 levels, outside 0), for the breakdown. */
function glcmStep(c: Cell): unknown {
  const [h, w] = c.gray.shape as [number, number];
  const q = new Uint8Array(h * w);
  for (let k = 0; k < q.length; k++) if (c.mask[k]) q[k] = 1 + ((c.gray.data[k]! * 32) >> 8);
  return glcmProperties(glcm(ndarray(q, [h, w]), { levels: 33, symmetric: true }));
}

async function run(args: readonly string[]): Promise<void> {
  const options = parseOptions(args);
  const count = intOption(options, 'images', 40);
  const reps = intOption(options, 'reps', 20);
  const dir = join(REFERENCE_DIR, 'golden-png');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.png')).sort().slice(0, count);
  const cells: Cell[] = [];
  for (const f of files) {
    const image = await decodeImage(join(dir, f));
    const seg = segmentNucleus(image);
    if (seg.status !== 'ok') continue;
    cells.push({ image, mask: seg.nucleus.data, gray: rgbToGray8(image), area: seg.measurements.area });
  }
  const [h, w] = cells[0]!.image.shape as [number, number, number];
  const meanArea = cells.reduce((s, c) => s + c.area, 0) / cells.length;
  console.log(
    `${cells.length} cells ${w}x${h} (mean nucleus ${meanArea.toFixed(0)} px) from ${dir}; ${cpus()[0]?.model ?? '?'}; ` +
      `load ${loadavg()[0]?.toFixed(2)}; node ${process.version}\n`,
  );
  const rows: (string | number)[][] = [
    ['extractTextureFeatures (all 17)', ...timePerCell(cells, reps, (c) => extractTextureFeatures(c.image, c.mask))],
    ['  rgbToGray8 (whole image)', ...timePerCell(cells, reps, (c) => rgbToGray8(c.image))],
    ['  uniformLbpHistogram (nucleus pixels)', ...timePerCell(cells, reps, (c) => uniformLbpHistogram(c.gray, c.mask))],
    ['  glcm + glcmProperties (whole image, no crop)', ...timePerCell(cells, reps, glcmStep)],
  ];
  console.log(formatTable(['step', 'wall ms/cell', 'CPU ms/cell'], rows));
}

/** The texture descriptor suite. */
export const textureSuite: BenchSuite = {
  usage: '  --images N   number of reference PNGs (default 40)\n  --reps N     timed repetitions (default 20)',
  run,
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
