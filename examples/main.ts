/**
 * The main job (`npm start`): the whole pipeline on a cohort — per-image nucleus segmentation and handmade features
 * (cached by content), then 5-fold cross-validation of the default configuration, with a table of per-fold balanced
 * accuracy and AUC and `cv-summary.json` / `cv-predictions.csv`. Without `--data` it runs on a synthetic cohort in
 * the challenge layout, written once, and also checks the segmentation against the generator's ground-truth masks.
 *
 * Usage:
 * ```
 * npm start                                                        # the synthetic cohort (out/synthetic-cohort-…)
 * npm start -- --data ../shared/data/dlmi/trainset --out out/dlmi  # a real cohort in the challenge layout
 * npm start -- --patients 60 --seed 7                              # a larger synthetic cohort
 * ```
 * Options: `--data <dir>`, `--out <dir>` (default `out`), `--patients <n>` and `--seed <s>` of the synthetic cohort
 * (defaults 30 and 0), `--folds <k>` (default 5), `--workers <n>` feature threads (default: all cores), `--json`,
 * `--quiet`.
 *
 * It is the `lymphomix cv` command (see `runCli`) after `lymphomix synth`.
 * @module
 */
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SYNTHETIC_MASKS_FOLDER, decodeImage, loadCohort, segmentNucleus, writeSyntheticCohort } from 'lymphomix';
import { runCli, type CliIo } from 'lymphomix/cli';
import { runIfMain } from './runIfMain.js';

/** Dice coefficient of two binary masks of equal size (1 when both are empty). */
function dice(a: Uint8Array, b: Uint8Array): number {
  let inter = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]! > 0 ? 1 : 0;
    const y = b[i]! > 0 ? 1 : 0;
    inter += x & y;
    sum += x + y;
  }
  return sum === 0 ? 1 : (2 * inter) / sum;
}

/** Median Dice of the segmentation against the synthetic generator's masks, on up to `limit` images. */
async function segmentationDice(cohortDir: string, limit: number): Promise<{ images: number; median: number }> {
  const { patients } = await loadCohort(cohortDir);
  const scores: number[] = [];
  for (const image of patients.flatMap((p) => p.images as string[]).slice(0, limit)) {
    const maskPath = join(cohortDir, SYNTHETIC_MASKS_FOLDER, relative(cohortDir, image).replace(/\.jpe?g$/i, '.png'));
    if (!existsSync(maskPath)) continue;
    const truth = await decodeImage(maskPath);
    const seg = segmentNucleus(await decodeImage(image));
    const t = new Uint8Array(truth.data.length / 3);
    for (let k = 0; k < t.length; k++) t[k] = truth.data[3 * k]! > 127 ? 1 : 0;
    scores.push(dice(seg.nucleus.data, t));
  }
  scores.sort((a, b) => a - b);
  const m = scores.length >> 1;
  return { images: scores.length, median: scores.length % 2 === 1 ? scores[m]! : (scores[m - 1]! + scores[m]!) / 2 };
}

/**
 * Runs the main job.
 *
 * @param argv - Command-line arguments after the script name (see the module doc).
 * @param io - Where results (out) and progress (err) go.
 * @returns The exit code: 0 done, 1 failure, 2 usage error.
 */
export async function main(argv: readonly string[], io: CliIo = { out: process.stdout, err: process.stderr }): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        data: { type: 'string' },
        out: { type: 'string', default: 'out' },
        patients: { type: 'string', default: '30' },
        seed: { type: 'string', default: '0' },
        folds: { type: 'string', default: '5' },
        workers: { type: 'string' },
        json: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    io.err.write(`main: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const outDir = resolve(values.out);
  const global = [...(values.json ? ['--json'] : []), ...(values.quiet ? ['--quiet'] : [])];
  let cohortDir: string;
  if (values.data !== undefined) cohortDir = resolve(values.data);
  else {
    const patients = Number(values.patients);
    const seed = Number(values.seed);
    if (!Number.isInteger(patients) || patients < 10) {
      io.err.write(`main: --patients must be an integer ≥ 10 (5 folds need 5 patients of each class), got ${values.patients}\n`);
      return 2;
    }
    if (!Number.isInteger(seed) || seed < 0) {
      io.err.write(`main: --seed must be an integer ≥ 0, got ${values.seed}\n`);
      return 2;
    }
    cohortDir = join(outDir, `synthetic-cohort-${patients}-seed${seed}`);
    if (!existsSync(join(cohortDir, 'synthetic-cohort.json'))) {
      if (!values.quiet) io.err.write(`writing a synthetic cohort of ${patients} patients to ${cohortDir}\n`);
      // Balanced classes and 8–16 cells per patient keep the whole job within a few minutes on 2 cores.
      await writeSyntheticCohort(cohortDir, { seed, patientCount: patients, malignantFraction: 0.5, imagesPerPatient: { min: 8, max: 16 } });
    }
  }
  const code = await runCli(
    [
      ...global,
      'cv',
      '--data',
      cohortDir,
      '--folds',
      values.folds,
      '--out',
      join(outDir, 'cv'),
      '--cache',
      join(outDir, 'cache'),
      ...(values.workers === undefined ? [] : ['--workers', values.workers]),
    ],
    io,
  );
  if (code !== 0 || values.data !== undefined) return code;
  const { images, median } = await segmentationDice(cohortDir, 100);
  if (!values.quiet && !values.json) io.out.write(`segmentation vs the generator's ground truth on ${images} images: median Dice ${median.toFixed(3)}\n`);
  return 0;
}

runIfMain(import.meta.url, main);
