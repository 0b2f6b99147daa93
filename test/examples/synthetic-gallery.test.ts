import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GALLERY_COLUMNS } from '../../examples/synthetic-gallery.js';
import { writeSyntheticCohort } from '../../src/data/index.js';
import { decodeImage, toContiguousRgb } from '../../src/io/index.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const tsx = join(repo, 'node_modules', '.bin', 'tsx');
/** Layout of the example: 112 px tiles, 4 px gaps, a 150 px label column. */
const TILE = 112;
const GAP = 4;
const LABEL_WIDTH = 150;
const WIDTH = LABEL_WIDTH + GALLERY_COLUMNS * (TILE + GAP);
const heightOf = (rows: number): number => rows * (TILE + GAP) + GAP;

/** Runs `npx tsx examples/synthetic-gallery.ts <args>` as a user does; resolves with the exit code and both streams. */
function runExample(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(tsx, [join('examples', 'synthetic-gallery.ts'), ...args], { cwd: repo, timeout: 50_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Decodes a PNG and checks its size and that every tile holds a crop (not the white background). */
async function checkGallery(path: string, rows: number): Promise<void> {
  const image = toContiguousRgb(await decodeImage(path), 'test');
  expect(image.shape).toEqual([heightOf(rows), WIDTH, 3]);
  const pixel = (x: number, y: number): number[] => [0, 1, 2].map((c) => image.data[(y * WIDTH + x) * 3 + c]!);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < GALLERY_COLUMNS; c++) {
      const ox = LABEL_WIDTH + c * (TILE + GAP);
      const oy = GAP + r * (TILE + GAP);
      let nonWhite = 0;
      for (let y = oy; y < oy + TILE; y += 4) for (let x = ox; x < ox + TILE; x += 4) if (pixel(x, y).some((v) => v < 230)) nonWhite++;
      expect(nonWhite, `row ${r} tile ${c}`).toBeGreaterThan(50);
    }
    // The row label is printed (dark text) in the label column.
    let dark = 0;
    for (let y = GAP + r * (TILE + GAP); y < GAP + (r + 1) * (TILE + GAP) - GAP; y++) for (let x = 0; x < LABEL_WIDTH; x++) if (pixel(x, y).every((v) => v < 128)) dark++;
    expect(dark, `row ${r} label`).toBeGreaterThan(20);
  }
  // The gaps between tiles stay white.
  expect(pixel(LABEL_WIDTH + TILE + 1, GAP + TILE / 2)).toEqual([255, 255, 255]);
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lymphomix-synthetic-gallery-'));
}, 60_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('examples/synthetic-gallery', () => {
  it('writes a 2-row gallery PNG of the expected size; the same seed gives the same bytes and another seed other crops', async () => {
    const a = join(root, 'a');
    const run = await runExample([a, '--seed', '2']);
    expect(run.code, run.stderr).toBe(0);
    const path = join(a, 'synthetic-gallery.png');
    expect(run.stdout).toContain(`wrote ${path}`);
    await checkGallery(path, 2);
    expect(existsSync(join(a, 'synthetic-vs-real.png'))).toBe(false);

    const again = await runExample([join(root, 'b'), '--seed', '2']);
    const other = await runExample([join(root, 'c'), '--seed', '3']);
    expect(again.code, again.stderr).toBe(0);
    expect(other.code, other.stderr).toBe(0);
    const bytes = await readFile(path);
    expect((await readFile(join(root, 'b', 'synthetic-gallery.png'))).equals(bytes)).toBe(true);
    expect((await readFile(join(root, 'c', 'synthetic-gallery.png'))).equals(bytes)).toBe(false);
  }, 60_000);

  it('--compare adds a 4-row synthetic-vs-real PNG from a cohort folder', async () => {
    // A synthetic cohort stands in for the real folder here.
    const cohort = join(root, 'cohort');
    await writeSyntheticCohort(cohort, { patientCount: 12, seed: 5, malignantFraction: 0.5, imagesPerPatient: { min: 3, max: 4 }, render: { size: 96 } });
    const out = join(root, 'compare');
    const run = await runExample([out, '--compare', cohort]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`wrote ${join(out, 'synthetic-vs-real.png')} (holds real images: do not commit it)`);
    await checkGallery(join(out, 'synthetic-gallery.png'), 2);
    await checkGallery(join(out, 'synthetic-vs-real.png'), 4);
  }, 60_000);

  it("refuses --compare into the repository's docs folder and bad arguments with exit code 2", async () => {
    const compared = join(repo, 'docs', 'synthetic-vs-real.png');
    const before = existsSync(compared);
    const docs = await runExample([join(repo, 'docs'), '--compare', join(root, 'cohort')]);
    const written = !before && existsSync(compared);
    if (written) await rm(compared); // never leave real images in docs, even when the refusal is broken
    expect(written).toBe(false);
    expect(docs.code).toBe(2);
    expect(docs.stderr).toContain('--compare writes real images');
    const bad = await runExample([join(root, 'd'), '--seed', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('usage: npx tsx examples/synthetic-gallery.ts');
    expect(existsSync(join(root, 'd'))).toBe(false);
  }, 30_000);
});
