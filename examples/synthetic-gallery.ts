/**
 * Draw a gallery of synthetic lymphocyte crops: one row of malignant and one of reactive patients.
 *
 * Usage: `npx tsx examples/synthetic-gallery.ts [outDir] [--seed N] [--compare <realDir>]`
 *
 * - Writes `<outDir>/synthetic-gallery.png` (default outDir: `docs`): 2 rows × 6 crops, each crop from a
 *   different patient of `synthesizeCohort({ seed })` (default seed 1), shown at half size (112 px). The
 *   malignant row shows the first abnormal-looking cell of each malignant patient (its image 0 when it has
 *   none); the reactive row shows image 0 of each reactive patient. Synthetic only: safe to commit.
 * - With `--compare <realDir>` (a cohort folder in the challenge layout, read with `loadCohort`), also writes
 *   `<outDir>/synthetic-vs-real.png`: synthetic malignant, real malignant, synthetic reactive, real reactive rows.
 *   It holds real images: NEVER commit it. It is refused when outDir is the repository's `docs` folder.
 * - Exits 0 on success, 2 on a usage error.
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Jimp, loadFont } from 'jimp';
import { SANS_16_BLACK } from 'jimp/fonts';
import { decodeImage, loadCohort, synthesizeCohort, toContiguousRgb, type RgbImage } from 'lymphomix';
import { runIfMain } from './runIfMain.js';

/** Crops per row. */
export const GALLERY_COLUMNS = 6;
/** Displayed crop size (the 224 px crops averaged 2 × 2). */
const TILE = 112;
const LABEL_WIDTH = 150;
const GAP = 4;

/** A labelled row of crops. */
export interface GalleryRow {
  readonly label: string;
  readonly images: readonly RgbImage[];
}

/** Average 2 × 2 blocks of a crop into a TILE × TILE tile (nearest for other sizes). */
function tile(image: RgbImage): Uint8Array {
  const img = toContiguousRgb(image, 'synthetic-gallery');
  const [h, w] = img.shape as [number, number, number];
  const out = new Uint8Array(TILE * TILE * 3);
  for (let y = 0; y < TILE; y++) {
    for (let x = 0; x < TILE; x++) {
      const y0 = Math.min(h - 1, Math.floor((y * h) / TILE));
      const x0 = Math.min(w - 1, Math.floor((x * w) / TILE));
      const y1 = Math.min(h - 1, y0 + 1);
      const x1 = Math.min(w - 1, x0 + 1);
      for (let c = 0; c < 3; c++) {
        const v = img.data[(y0 * w + x0) * 3 + c]! + img.data[(y0 * w + x1) * 3 + c]! + img.data[(y1 * w + x0) * 3 + c]! + img.data[(y1 * w + x1) * 3 + c]!;
        out[(y * TILE + x) * 3 + c] = Math.round(v / 4);
      }
    }
  }
  return out;
}

/**
 * Render labelled rows of crops into one PNG (white background, label left of each row).
 *
 * @param rows - the rows; each holds up to {@link GALLERY_COLUMNS} crops [H, W, 3] uint8
 * @returns PNG bytes
 */
export async function renderGallery(rows: readonly GalleryRow[]): Promise<Uint8Array> {
  if (rows.length === 0) throw new RangeError('renderGallery: expected at least one row, got 0');
  const width = LABEL_WIDTH + GALLERY_COLUMNS * (TILE + GAP);
  const height = rows.length * (TILE + GAP) + GAP;
  const canvas = new Jimp({ width, height, color: 0xffffffff });
  const data = canvas.bitmap.data;
  rows.forEach((row, r) => {
    row.images.slice(0, GALLERY_COLUMNS).forEach((image, c) => {
      const t = tile(image);
      const ox = LABEL_WIDTH + c * (TILE + GAP);
      const oy = GAP + r * (TILE + GAP);
      for (let y = 0; y < TILE; y++) {
        for (let x = 0; x < TILE; x++) {
          const o = ((oy + y) * width + ox + x) * 4;
          const i = (y * TILE + x) * 3;
          data[o] = t[i]!;
          data[o + 1] = t[i + 1]!;
          data[o + 2] = t[i + 2]!;
        }
      }
    });
  });
  const font = await loadFont(SANS_16_BLACK);
  rows.forEach((row, r) => {
    canvas.print({ font, x: 8, y: GAP + r * (TILE + GAP) + TILE / 2 - 10, text: row.label });
  });
  const png = await canvas.getBuffer('image/png', { deflateLevel: 9, colorType: 2 });
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

/**
 * The synthetic rows of the gallery: malignant patients (their first abnormal-looking cell) and reactive
 * patients (their image 0), one crop per patient.
 *
 * @param seed - the cohort seed
 * @returns two rows, 'malignant' then 'reactive', of {@link GALLERY_COLUMNS} crops each
 */
export function syntheticGalleryRows(seed: number): GalleryRow[] {
  const patients = synthesizeCohort({ seed, patientCount: 4 * GALLERY_COLUMNS, malignantFraction: 0.5 });
  const malignant = patients.filter((p) => p.label === 1).slice(0, GALLERY_COLUMNS);
  const reactive = patients.filter((p) => p.label === 0).slice(0, GALLERY_COLUMNS);
  const firstAbnormal = (p: (typeof patients)[number]): number => {
    for (let i = 0; i < p.imageCount; i++) if (p.cellParams(i).abnormal) return i;
    return 0;
  };
  return [
    { label: 'synthetic\nmalignant', images: malignant.map((p) => p.renderImage(firstAbnormal(p)).image) },
    { label: 'synthetic\nreactive', images: reactive.map((p) => p.renderImage(0).image) },
  ];
}

/** Real rows for the comparison: image 0 of the first malignant and reactive patients of a cohort folder. */
async function realRows(realDir: string): Promise<[GalleryRow, GalleryRow]> {
  const cohort = await loadCohort(realDir);
  const pick = async (label: 0 | 1): Promise<RgbImage[]> => {
    const ps = cohort.patients.filter((p) => p.label === label && p.images.length > 0).slice(0, GALLERY_COLUMNS);
    return Promise.all(ps.map((p) => decodeImage(p.images[0] as string)));
  };
  return [
    { label: 'real\nmalignant', images: await pick(1) },
    { label: 'real\nreactive', images: await pick(0) },
  ];
}

/** Parse the command line; returns null (after printing usage) on a usage error. */
function parseArgs(argv: readonly string[]): { outDir: string; seed: number; compare: string | undefined } | null {
  let outDir: string | undefined;
  let seed = 1;
  let compare: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--seed') {
      seed = Number(argv[++i]);
      if (!Number.isFinite(seed)) return null;
    } else if (a === '--compare') {
      compare = argv[++i];
      if (compare === undefined) return null;
    } else if (a.startsWith('--') || outDir !== undefined) return null;
    else outDir = a;
  }
  return { outDir: outDir ?? 'docs', seed, compare };
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args === null) {
    console.error('usage: npx tsx examples/synthetic-gallery.ts [outDir] [--seed N] [--compare <realDir>]');
    return 2;
  }
  const outDir = resolve(args.outDir);
  const repoDocs = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'docs');
  if (args.compare !== undefined && outDir === repoDocs) {
    console.error(`--compare writes real images: pass an outDir outside the repository's docs folder (got ${outDir})`);
    return 2;
  }
  await mkdir(outDir, { recursive: true });
  const synthetic = syntheticGalleryRows(args.seed);
  const galleryPath = join(outDir, 'synthetic-gallery.png');
  await writeFile(galleryPath, await renderGallery(synthetic));
  console.log(`wrote ${galleryPath}`);
  if (args.compare !== undefined) {
    const [realMalignant, realReactive] = await realRows(args.compare);
    const comparePath = join(outDir, 'synthetic-vs-real.png');
    await writeFile(comparePath, await renderGallery([synthetic[0]!, realMalignant, synthetic[1]!, realReactive]));
    console.log(`wrote ${comparePath} (holds real images: do not commit it)`);
  }
  return 0;
}

runIfMain(import.meta.url, (argv) => main(argv));
