import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_COLUMNS, listImages, main } from '../../examples/segment-folder.js';
import { decodeImage } from '../../src/io/index.js';
import { FEATURE_NAMES, MEASUREMENT_NAMES, extractCellFeatures } from '../../src/features/index.js';
import { BAD_IMAGES_DIR, DLMI_DIR } from '../helpers/shared.js';

/** Split CSV text produced by the example (quoted fields may hold commas and doubled quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.trimEnd().split('\n')) {
    const cells: string[] = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i] as string;
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') {
          cur += '"';
          i++;
        } else if (ch === '"') quoted = false;
        else cur += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ',') {
        cells.push(cur);
        cur = '';
      } else cur += ch;
    }
    cells.push(cur);
    rows.push(cells);
  }
  return rows;
}

let root: string;
let imagesDir: string;
const copied: string[] = [];
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lymphomix-segment-folder-'));
  imagesDir = join(root, 'images');
  // A few real images at two depths (copied to the OS temp dir for this test only), one with an
  // upper-case extension, two files that are not images, and a non-image file that is skipped.
  const patients = (await readdir(DLMI_DIR, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const layout: [string, string][] = [];
  for (const [k, patient] of patients.slice(0, 2).entries()) {
    const files = (await readdir(join(DLMI_DIR, patient))).filter((f) => f.endsWith('.jpg')).sort().slice(0, 2);
    for (const [j, f] of files.entries()) {
      const rel = k === 0 ? `${patient}/${f}` : `${patient}/nested, deep/${j === 0 ? f.replace('.jpg', '.JPG') : f}`;
      layout.push([join(DLMI_DIR, patient, f), rel]);
    }
  }
  layout.push([join(BAD_IMAGES_DIR, 'not-an-image.jpg'), 'bad/not-an-image.jpg']);
  layout.push([join(BAD_IMAGES_DIR, 'truncated-header.jpg'), 'bad/truncated-header.jpg']);
  layout.push([join(BAD_IMAGES_DIR, 'blank-background.png'), 'bad/blank-background.png']);
  for (const [from, rel] of layout) {
    await mkdir(join(imagesDir, rel, '..'), { recursive: true });
    await copyFile(from, join(imagesDir, rel));
    copied.push(rel);
  }
  await writeFile(join(imagesDir, 'notes.txt'), 'not an image\n');
  copied.sort();
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('examples/segment-folder', () => {
  it('lists images at any depth, sorted, skipping other files', async () => {
    expect(await listImages(imagesDir)).toEqual(copied);
  });

  it('writes features.csv with one row per image and an overlay per decoded image; bad images never abort', async () => {
    const outDir = join(root, 'out');
    const out: string[] = [];
    const err: string[] = [];
    const code = await main([imagesDir, outDir], { out: (s) => out.push(s), err: (s) => err.push(s) });
    expect(code).toBe(0);

    const rows = parseCsv(await readFile(join(outDir, 'features.csv'), 'utf8'));
    expect(rows[0]).toEqual(['image', 'status', ...MEASUREMENT_NAMES, ...FEATURE_NAMES, 'error']);
    expect(CSV_COLUMNS).toHaveLength(2 + 5 + 51 + 1);
    const body = rows.slice(1);
    expect(body.map((r) => r[0])).toEqual(copied);
    expect(body.every((r) => r.length === CSV_COLUMNS.length)).toBe(true);
    const byImage = new Map(body.map((r) => [r[0] as string, r]));

    for (const bad of ['bad/not-an-image.jpg', 'bad/truncated-header.jpg']) {
      const r = byImage.get(bad) as string[];
      expect(r[1]).toBe('error');
      expect(r.at(-1)).toContain(bad.slice(4)); // the message names the file
      expect(existsSync(join(outDir, 'overlays', bad.replace('.jpg', '.png')))).toBe(false);
    }
    const blank = byImage.get('bad/blank-background.png') as string[];
    expect(blank[1]).not.toBe('ok');
    expect(blank[1]).not.toBe('error');
    expect(blank.slice(2 + 5, -1).every((c) => c === '')).toBe(true);

    const real = copied.filter((c) => !c.startsWith('bad/'));
    for (const rel of real) {
      const r = byImage.get(rel) as string[];
      expect(r.at(-1)).toBe('');
      const measurements = r.slice(2, 7).map(Number);
      expect(measurements.every(Number.isFinite)).toBe(true);
      if (r[1] === 'ok') expect(r.slice(7, -1).map(Number).every(Number.isFinite)).toBe(true);
      const png = join(outDir, 'overlays', rel.replace(/\.jpe?g$/i, '.png'));
      const overlay = await decodeImage(png);
      const image = await decodeImage(join(imagesDir, rel));
      expect(overlay.shape).toEqual(image.shape);
    }
    expect(real.some((rel) => byImage.get(rel)?.[1] === 'ok')).toBe(true);

    // The CSV holds what extractCellFeatures gives for the image, at full precision.
    const first = real[0] as string;
    const direct = extractCellFeatures(await decodeImage(join(imagesDir, first)));
    const r = byImage.get(first) as string[];
    expect(r[1]).toBe(direct.status);
    expect(r.slice(2, 7).map(Number)).toEqual(MEASUREMENT_NAMES.map((m) => direct.measurements[m]));
    if (direct.features !== null) expect(r.slice(7, -1).map(Number)).toEqual(FEATURE_NAMES.map((f) => direct.features?.[f]));

    expect(out.join('')).toContain(`${copied.length} images (`);
    expect(out.join('')).toContain('2 error');
    expect(err.join('')).toContain(`[${copied.length}/${copied.length}]`);
  });

  it('skips its own output folder when it lies inside the images folder', async () => {
    const outDir = join(imagesDir, 'out-inside');
    expect(await main([imagesDir, outDir], { out: () => undefined, err: () => undefined })).toBe(0);
    expect(await main([imagesDir, outDir], { out: () => undefined, err: () => undefined })).toBe(0);
    const rows = parseCsv(await readFile(join(outDir, 'features.csv'), 'utf8'));
    expect(rows.slice(1).map((r) => r[0])).toEqual(copied); // no overlay PNG was read back as an input
  });

  it('returns 2 with a usage line on wrong arguments or a missing folder', async () => {
    const err: string[] = [];
    const io = { out: () => undefined, err: (s: string) => err.push(s) };
    expect(await main([], io)).toBe(2);
    expect(await main([imagesDir], io)).toBe(2);
    expect(await main([join(root, 'missing'), join(root, 'o')], io)).toBe(2);
    expect(err[0]).toMatch(/^usage: segment-folder <imagesDir> <outDir>/);
    expect(err[2]).toContain(join(root, 'missing'));
  });

  it('handles an empty folder: a CSV with only the header', async () => {
    const emptyDir = join(root, 'empty');
    await mkdir(emptyDir);
    const outDir = join(root, 'out-empty');
    expect(await main([emptyDir, outDir], { out: () => undefined, err: () => undefined })).toBe(0);
    expect(await readFile(join(outDir, 'features.csv'), 'utf8')).toBe(`${CSV_COLUMNS.join(',')}\n`);
  });
});
