/**
 * Quick single-thread timing of segmentNucleus + extractCellFeatures (decode excluded) on the 40
 * lossless reference images. Not a test (timings vary with the machine); the bench/ harness owns
 * the reported benchmarks. Run: `npx tsx test/features/cell/measureSpeed.ts [rounds]`.
 * Prints wall time (median and best round) and CPU time in ms per image, and a calibration loop (150,528 byte adds,
 * one 224×224×3 image) that shows how loaded the machine is.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { createRgbImage } from '../../../src/io/rgbImage.js';
import type { RgbImage } from '../../../src/io/rgbImage.js';
import { extractCellFeatures } from '../../../src/features/cell/index.js';
import { segmentNucleus } from '../../../src/segmentation/nucleus/index.js';
import { sharedPath } from '../../helpers/shared.js';

const rounds = Number(process.argv[2] ?? 15);
const dir = sharedPath('reference', 'golden-png');
const images: RgbImage[] = [];
for (const f of readdirSync(dir).filter((x) => x.endsWith('.png'))) {
  const { data, info } = await sharp(join(dir, f)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  images.push(createRgbImage(info.width, info.height, new Uint8Array(data)));
}

interface Timing {
  median: number;
  best: number;
  cpu: number;
}

/** Wall time per image (median and best round) and process CPU time per image over all rounds. */
function perImage(fn: (im: RgbImage) => unknown): Timing {
  for (const im of images) fn(im); // warm-up (JIT)
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (const im of images) fn(im);
    times.push((performance.now() - t0) / images.length);
  }
  const cpu = process.cpuUsage(cpu0);
  times.sort((a, b) => a - b);
  return {
    median: times[Math.floor(times.length / 2)]!,
    best: times[0]!,
    cpu: (cpu.user + cpu.system) / 1000 / (rounds * images.length),
  };
}

const calib = new Uint8Array(224 * 224 * 3).map((_, i) => (i * 7) & 255);
let sink = 0;
const sumBytes = (): number => {
  let s = 0;
  for (let i = 0; i < calib.length; i++) s += calib[i]!;
  return s;
};
const c = perImage(() => {
  sink += sumBytes();
});
const seg = perImage((im) => segmentNucleus(im));
const all = perImage((im) => extractCellFeatures(im));
const fmt = (t: Timing): string =>
  `wall median ${t.median.toFixed(3)} ms, best ${t.best.toFixed(3)} ms; CPU ${t.cpu.toFixed(3)} ms`;
console.log(`${images.length} images ${images[0]!.shape.join('x')}, ${rounds} rounds`);
console.log(`calibration loop: ${fmt(c)} (sink ${sink % 10})`);
console.log(`segmentNucleus: ${fmt(seg)} per image`);
console.log(`segmentNucleus + extractCellFeatures: ${fmt(all)} per image`);
