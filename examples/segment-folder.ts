/**
 * Segment every cell image of a folder and write its handmade features and overlays.
 *
 * Usage: `npx tsx examples/segment-folder.ts <imagesDir> <outDir>`
 *
 * - Reads every `.jpg`, `.jpeg` and `.png` under `imagesDir`, at any depth (sorted by path; `outDir`
 *   is skipped when it lies inside `imagesDir`).
 * - Writes `<outDir>/features.csv`: columns `image` (path relative to `imagesDir`, `/`-separated),
 *   `status`, the 5 measurements, the 51 features, and `error`. An image that cannot be read or
 *   decoded gets status `error` and its message in `error`; an image without a nucleus gets its
 *   segmentation status (e.g. `no-nucleus`) and empty feature cells. Neither stops the run.
 * - Writes `<outDir>/overlays/<relative path>.png`: the image with the nucleus, convex hull and
 *   ROC outlined (`drawOverlay`), for every decoded image.
 * - Prints a progress line to stderr and a summary to stdout; exits 0 when the folder was
 *   processed (even with bad images), 2 on a usage error.
 * @module
 */
import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { FEATURE_NAMES, MEASUREMENT_NAMES, cellFeaturesFromSegmentation, decodeImage, drawOverlay, encodePng, segmentNucleus } from 'lymphomix/segmentation';
import { runIfMain } from './runIfMain.js';

const IMAGE_EXTENSION = /\.(jpe?g|png)$/i;

/** Every image file under `root` (any depth), as paths relative to `root`, sorted; `skip` (a folder) is left out. */
export async function listImages(root: string, skip?: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const skipped = skip === undefined ? undefined : resolve(skip) + sep;
  return entries
    .filter((e) => e.isFile() && IMAGE_EXTENSION.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .filter((p) => skipped === undefined || !resolve(p).startsWith(skipped))
    .map((p) => relative(root, p).split(sep).join('/'))
    .sort();
}

/** One CSV field: quoted when it holds a comma, quote or line break. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The CSV header of `features.csv`. */
export const CSV_COLUMNS: readonly string[] = ['image', 'status', ...MEASUREMENT_NAMES, ...FEATURE_NAMES, 'error'];

/** Write `text` to `file` atomically (temporary file, then rename). */
async function writeAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}

/**
 * Run the example.
 *
 * @param argv - `[imagesDir, outDir]` (the arguments after the script name)
 * @param io - where the progress line and the summary go; defaults to the process's streams
 * @returns the exit code: 0 done, 2 usage error
 */
export async function main(
  argv: readonly string[],
  io: { out: (s: string) => void; err: (s: string) => void } = {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
  },
): Promise<number> {
  const [imagesDir, outDir] = argv;
  if (imagesDir === undefined || outDir === undefined || argv.length !== 2) {
    io.err('usage: segment-folder <imagesDir> <outDir>\n');
    return 2;
  }
  let images: string[];
  try {
    images = await listImages(imagesDir, outDir);
  } catch (error) {
    io.err(`segment-folder: cannot read ${imagesDir}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  await mkdir(join(outDir, 'overlays'), { recursive: true });

  const lines = [CSV_COLUMNS.join(',')];
  const counts = new Map<string, number>();
  const interactive = process.stderr.isTTY === true;
  for (const [i, rel] of images.entries()) {
    let cells: string[];
    try {
      const image = await decodeImage(join(imagesDir, rel));
      const seg = segmentNucleus(image); // one segmentation for both the features and the overlay
      const cell = cellFeaturesFromSegmentation(seg);
      const overlay = drawOverlay(image, { nucleus: seg.nucleus, hull: seg.hull, roc: seg.roc });
      const png = join(outDir, 'overlays', rel.replace(IMAGE_EXTENSION, '.png'));
      await mkdir(dirname(png), { recursive: true });
      await writeAtomic(png, await encodePng(overlay));
      cells = [
        rel,
        cell.status,
        ...MEASUREMENT_NAMES.map((m) => String(cell.measurements[m])),
        ...FEATURE_NAMES.map((f) => (cell.features === null ? '' : String(cell.features[f]))),
        '',
      ];
      counts.set(cell.status, (counts.get(cell.status) ?? 0) + 1);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      cells = [rel, 'error', ...MEASUREMENT_NAMES.map(() => ''), ...FEATURE_NAMES.map(() => ''), message];
      counts.set('error', (counts.get('error') ?? 0) + 1);
    }
    lines.push(cells.map(csvField).join(','));
    const progress = `[${i + 1}/${images.length}] ${counts.get('error') ?? 0} errors  ${rel}`;
    if (interactive) io.err(`\r${progress.padEnd(78).slice(0, 78)}`);
    else if ((i + 1) % 50 === 0 || i + 1 === images.length) io.err(`${progress}\n`);
  }
  if (interactive && images.length > 0) io.err('\n');
  await writeAtomic(join(outDir, 'features.csv'), `${lines.join('\n')}\n`);
  const summary = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([s, n]) => `${n} ${s}`).join(', ');
  io.out(`${images.length} images (${summary || 'none'}) → ${join(outDir, 'features.csv')}\n`);
  return 0;
}

runIfMain(import.meta.url, (argv) => main(argv));
