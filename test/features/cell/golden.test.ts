/**
 * Acceptance against the independent OpenCV/NumPy reference (tavakoli_reference.py) on the real
 * images: nucleus masks (IoU) and the 51 features. JPEGs are decoded with sharp (libjpeg-turbo,
 * the decoder family OpenCV uses); golden-png holds the exact pixels the reference saw.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { jimpDecoder } from '../../../src/io/image/jimpDecoder.js';
import { createRgbImage } from '../../../src/io/image/rgbImage.js';
import type { RgbImage } from '../../../src/io/image/rgbImage.js';
import { cellFeaturesFromSegmentation, FEATURE_NAMES, MEASUREMENT_NAMES } from '../../../src/features/cell/index.js';
import type { CellFeatures } from '../../../src/features/cell/index.js';
import { segmentNucleus } from '../../../src/segmentation/nucleus/index.js';
import { DLMI_DIR, sharedPath } from '../../helpers/shared.js';

type Golden = Record<string, Record<string, number | boolean | null>>;

const REL_TOL = 0.02; // features within 2% of the reference…
const MIN_SHARE = 0.95; // …on at least 95% of the images
const EXACT_TOL = 1e-3; // identical pixels and masks: features within 1e-3 relative

async function decodeRgb(path: string): Promise<RgbImage> {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return createRgbImage(info.width, info.height, new Uint8Array(data.buffer, data.byteOffset, data.length));
}
async function decodeMask(path: string): Promise<Uint8Array> {
  const { data } = await sharp(path).greyscale().raw().toBuffer({ resolveWithObject: true });
  return Uint8Array.from(data, (v) => (v > 127 ? 1 : 0));
}
const maskFile = (key: string): string => key.replace('/', '_').replace(/\.jpg$/, '.png');
const relErr = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
const quantile = (v: number[], q: number): number => v.slice().sort((a, b) => a - b)[Math.floor(q * (v.length - 1))]!;

interface Result {
  key: string;
  iou: number;
  diffPixels: number;
  pixels: number;
  cell: CellFeatures;
}

async function run(
  keys: string[],
  imagePath: (key: string) => string,
  decode: (path: string) => Promise<RgbImage> = decodeRgb,
): Promise<Result[]> {
  const masksDir = sharedPath('reference', 'golden-masks');
  const out: Result[] = [];
  for (const key of keys) {
    const image = await decode(imagePath(key));
    const truth = await decodeMask(join(masksDir, maskFile(key)));
    const seg = segmentNucleus(image);
    let inter = 0, union = 0, diff = 0;
    const m = seg.nucleus.data;
    for (let i = 0; i < m.length; i++) {
      if (m[i] && truth[i]) inter++;
      if (m[i] || truth[i]) union++;
      if (m[i] !== truth[i]) diff++;
    }
    out.push({ key, iou: union ? inter / union : 1, diffPixels: diff, pixels: m.length, cell: cellFeaturesFromSegmentation(seg) });
  }
  return out;
}

const golden = JSON.parse(readFileSync(sharedPath('reference', 'golden-features.json'), 'utf8')) as Golden;

describe('golden: 295 real JPEGs vs the OpenCV reference', () => {
  let results: Result[] = [];
  beforeAll(async () => {
    results = await run(Object.keys(golden), (key) => join(DLMI_DIR, key));
  }, 300_000);

  it('nucleus mask IoU: median ≥ 0.98 and ≥ 0.95 on 95% of the images', () => {
    const ious = results.map((r) => r.iou);
    const share = ious.filter((v) => v >= 0.95).length / ious.length;
    console.log(`[golden jpeg] n=${ious.length} IoU median=${quantile(ious, 0.5).toFixed(4)} min=${Math.min(...ious).toFixed(4)} share≥0.95=${share.toFixed(3)}`);
    expect(results).toHaveLength(295);
    expect(quantile(ious, 0.5)).toBeGreaterThanOrEqual(0.98);
    expect(share).toBeGreaterThanOrEqual(MIN_SHARE);
  });

  it('every feature within 2% of the reference on ≥ 95% of the images', () => {
    const shares: Record<string, number> = {};
    for (const name of FEATURE_NAMES) {
      let n = 0, ok = 0;
      for (const r of results) {
        const ref = golden[r.key]![name];
        if (typeof ref !== 'number' || !r.cell.features) continue; // the reference reports null for 0/0 and empty ROC
        n++;
        if (relErr(r.cell.features[name], ref) <= REL_TOL) ok++;
      }
      shares[name] = n ? ok / n : 0;
    }
    const worst = Object.entries(shares).sort((a, b) => a[1] - b[1])[0]!;
    console.log(`[golden jpeg] features within 2%: worst ${worst[0]} on ${(worst[1] * 100).toFixed(1)}% of images`);
    for (const name of FEATURE_NAMES) expect(shares[name], name).toBeGreaterThanOrEqual(MIN_SHARE);
    expect(results.every((r) => r.cell.status === 'ok')).toBe(true);
  });
});

describe('golden: the same 295 JPEGs decoded with jimp (pure JS, another IDCT than libjpeg-turbo)', () => {
  let results: Result[] = [];
  beforeAll(async () => {
    const decode = async (path: string): Promise<RgbImage> => jimpDecoder.decode(new Uint8Array(readFileSync(path)), path);
    results = await run(Object.keys(golden), (key) => join(DLMI_DIR, key), decode);
  }, 300_000);

  it('nucleus mask IoU still meets median ≥ 0.98 and ≥ 0.95 on 95% of the images; features are reported', () => {
    const ious = results.map((r) => r.iou);
    const share = ious.filter((v) => v >= 0.95).length / ious.length;
    const thresholds = results.filter((r) => r.cell.measurements.threshold !== golden[r.key]!.threshold).length;
    const within: string[] = [];
    for (const name of ['solidity', 'perimeter', 'circularity', 'lab.a.meanRatioNucleus', 'hsv.h.stdRatioRoc'] as const) {
      let n = 0, ok = 0;
      for (const r of results) {
        const ref = golden[r.key]![name];
        const got = name === 'perimeter' ? r.cell.measurements.perimeter : r.cell.features?.[name];
        if (typeof ref !== 'number' || got === undefined) continue;
        n++;
        if (relErr(got, ref) <= REL_TOL) ok++;
      }
      within.push(`${name} ${((100 * ok) / n).toFixed(1)}%`);
    }
    console.log(`[golden jimp] n=${ious.length} IoU median=${quantile(ious, 0.5).toFixed(4)} min=${Math.min(...ious).toFixed(4)} share≥0.95=${share.toFixed(3)} thresholds differing=${thresholds}`);
    console.log(`[golden jimp] share of images within 2%: ${within.join(', ')}`);
    expect(quantile(ious, 0.5)).toBeGreaterThanOrEqual(0.98);
    expect(share).toBeGreaterThanOrEqual(MIN_SHARE);
  });
});

describe('golden: 40 lossless PNGs (the exact pixels the reference saw)', () => {
  let results: Result[] = [];
  const dir = sharedPath('reference', 'golden-png');
  const keys = readdirSync(dir)
    .filter((f) => f.endsWith('.png'))
    .map((f) => f.replace('_', '/').replace(/\.png$/, '.jpg'));
  beforeAll(async () => {
    results = await run(keys, (key) => join(dir, maskFile(key)));
  }, 120_000);

  it('masks differ in ≤ 0.5% of the pixels', () => {
    const worst = Math.max(...results.map((r) => r.diffPixels / r.pixels));
    const identical = results.filter((r) => r.diffPixels === 0).length;
    console.log(`[golden png] n=${results.length} identical masks=${identical} worst pixel difference=${(worst * 100).toFixed(3)}%`);
    expect(results).toHaveLength(40);
    expect(worst).toBeLessThanOrEqual(0.005);
  });

  it('where masks are identical, features and measurements agree within 1e-3 relative', () => {
    let worst = 0;
    let worstName = '';
    for (const r of results.filter((x) => x.diffPixels === 0)) {
      const ref = golden[r.key]!;
      expect(r.cell.measurements.threshold).toBe(ref.threshold);
      for (const name of [...MEASUREMENT_NAMES, ...FEATURE_NAMES]) {
        const want = ref[name];
        if (typeof want !== 'number') continue;
        const got = name in r.cell.measurements ? r.cell.measurements[name as 'area'] : r.cell.features![name as 'solidity'];
        const e = relErr(got, want);
        if (e > worst) {
          worst = e;
          worstName = `${r.key} ${name}`;
        }
      }
    }
    console.log(`[golden png] worst relative difference ${worst.toExponential(2)} (${worstName})`);
    expect(worst).toBeLessThanOrEqual(EXACT_TOL);
  });
});
