/**
 * The main job (`npm start`): a cohort → nucleus segmentation and handmade features per image →
 * per-patient aggregation, with the segmentation checked against ground truth when there is one.
 *
 * Usage:
 * ```
 * npm start                                  # the embedded synthetic cohort (written to out/synthetic-cohort)
 * npm start -- --data ../shared/data/dlmi/trainset --out out/dlmi   # a real cohort in the challenge layout
 * npm start -- --patients 30 --seed 7        # a larger synthetic cohort
 * ```
 * Options: `--data <dir>` a cohort folder (default: generate the synthetic cohort), `--out <dir>` (default `out`),
 * `--patients <n>` and `--seed <s>` for the synthetic cohort (defaults 12 and 0), `--workers <n>` feature
 * workers (default: all cores).
 *
 * Writes `<out>/patient-features.csv` (id, label, age, lymphCount, images, usable, then the mean of each of
 * the 51 handmade features) and keeps a feature cache in `<out>/cache` (a second run is instant and an
 * interrupted one resumes).
 * @module
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeImage } from '../src/io/index.js';
import { segmentNucleus } from '../src/segmentation/index.js';
import { FEATURE_NAMES, aggregateFeatures, extractFeaturesBatch } from '../src/features/index.js';
import { SYNTHETIC_MASKS_FOLDER, loadCohort, writeSyntheticCohort } from '../src/data/index.js';
import type { Patient } from '../src/data/index.js';
import { runIfMain } from './runIfMain.js';

interface MainIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

const defaultIo: MainIo = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

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

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Run the main job.
 *
 * @param argv - command-line arguments after the script name (see the module doc)
 * @param io - where progress (err) and results (out) go
 * @returns the exit code: 0 done, 2 usage error
 */
export async function main(argv: readonly string[], io: MainIo = defaultIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        data: { type: 'string' },
        out: { type: 'string', default: 'out' },
        patients: { type: 'string', default: '12' },
        seed: { type: 'string', default: '0' },
        workers: { type: 'string' },
      },
    }));
  } catch (error) {
    io.err(`main: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const outDir = resolve(values.out);
  const patientCount = Number(values.patients);
  const seed = Number(values.seed);
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  if (!Number.isInteger(patientCount) || patientCount < 2) {
    io.err(`main: --patients must be an integer ≥ 2, got ${values.patients}\n`);
    return 2;
  }
  if (!Number.isInteger(seed)) {
    io.err(`main: --seed must be an integer, got ${values.seed}\n`);
    return 2;
  }
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 0)) {
    io.err(`main: --workers must be an integer ≥ 0, got ${values.workers}\n`);
    return 2;
  }
  await mkdir(outDir, { recursive: true });

  // 1. The cohort: a real folder, or the synthetic cohort written once in the challenge layout.
  let cohortDir: string;
  const synthetic = values.data === undefined;
  if (values.data !== undefined) {
    cohortDir = resolve(values.data);
  } else {
    cohortDir = join(outDir, `synthetic-cohort-${patientCount}-seed${seed}`);
    if (!existsSync(join(cohortDir, 'trainset_true.csv'))) {
      io.err(`writing a synthetic cohort of ${patientCount} patients to ${relative(process.cwd(), cohortDir)} …\n`);
      const written = await writeSyntheticCohort(cohortDir, {
        seed,
        patientCount,
        imagesPerPatient: { min: 12, max: 24 },
      });
      io.err(`  ${written.patients} patients, ${written.images} images\n`);
    }
  }
  const cohort = await loadCohort(cohortDir);
  for (const issue of cohort.issues) io.err(`cohort: ${issue.message}\n`);
  const patients: readonly Patient[] = cohort.patients;
  const sources = patients.flatMap((p) => p.images.map((image) => ({ patient: p.id, image })));
  io.out(`cohort ${cohortDir}: ${patients.length} patients, ${sources.length} images\n`);

  // 2. Segmentation + handmade features for every image (worker pool, resumable cache).
  const started = performance.now();
  let lastPrinted = 0;
  const batch = await extractFeaturesBatch(
    sources.map((s) => s.image as string),
    {
      cacheDir: join(outDir, 'cache'),
      ...(workers === undefined ? {} : { workers }),
      onProgress: ({ done, total, detail: { failed } }) => {
        const now = performance.now();
        if (done === total || now - lastPrinted > 1000) {
          lastPrinted = now;
          io.err(`  features: ${done}/${total} images (${failed} failed)\n`);
        }
      },
    },
  );
  const seconds = (performance.now() - started) / 1000;
  const statuses = new Map<string, number>();
  for (const r of batch.results) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
  const cached = batch.results.filter((r) => r.cached).length;
  io.out(
    `features: ${batch.results.length} images in ${seconds.toFixed(1)} s (${cached} from cache); ` +
      `status ${[...statuses].map(([s, n]) => `${s} ${n}`).join(', ')}; ${batch.failures.length} failed\n`,
  );
  for (const f of batch.failures.slice(0, 10)) io.err(`  failed: ${f.message}\n`);

  // 3. Per-patient aggregation (mean, the challenge report's choice).
  const rows = batch.results.map((r) => ({ patient: sources[r.index]!.patient, status: r.status, features: r.features }));
  const aggregated = aggregateFeatures(rows, { patients: patients.map((p) => p.id), names: FEATURE_NAMES });
  const header = ['id', 'label', 'age', 'lymphCount', 'images', 'usable', ...aggregated.columns];
  const lines = [header.join(',')];
  for (const [i, pf] of aggregated.patients.entries()) {
    const p = patients[i]!;
    const feats = aggregated.columns.map((c) => (pf.features === null ? '' : String(pf.features[c])));
    lines.push([p.id, p.label === undefined ? '' : String(p.label), p.age.toFixed(2), String(p.lymphCount), String(pf.images), String(pf.usable), ...feats].map(csvField).join(','));
  }
  const csvPath = join(outDir, 'patient-features.csv');
  await writeFile(`${csvPath}.tmp`, `${lines.join('\n')}\n`);
  await rename(`${csvPath}.tmp`, csvPath);
  io.out(`per-patient features (mean of ${FEATURE_NAMES.length} handmade features) → ${csvPath}\n`);

  // 4. What separates the classes: per-class mean of a few per-patient features and of the metadata.
  const show = ['solidity.mean', 'convexity.mean', 'circularity.mean', 'rgb.g.meanRatioNucleus.mean'];
  for (const label of [0, 1] as const) {
    const members = aggregated.patients.flatMap((pf, i) =>
      patients[i]!.label === label && pf.features !== null ? [{ features: pf.features, patient: patients[i]! }] : [],
    );
    if (members.length === 0) continue;
    const avg = (f: (m: (typeof members)[number]) => number): number => members.reduce((s, m) => s + f(m), 0) / members.length;
    const cols = show.map((c) => `${c} ${avg((m) => m.features[c]!).toFixed(3)}`);
    const name = label === 1 ? 'malignant' : 'reactive ';
    io.out(`  ${name} (${members.length}): lymphCount ${avg((m) => m.patient.lymphCount).toFixed(1)}, ${cols.join(', ')}\n`);
  }

  // 5. On the synthetic cohort, the segmentation against the generator's ground-truth masks.
  if (synthetic) {
    const scores: number[] = [];
    for (const r of batch.results.slice(0, 200)) {
      const rel = relative(cohortDir, sources[r.index]!.image as string).replace(/\.jpe?g$/i, '.png');
      const maskPath = join(cohortDir, SYNTHETIC_MASKS_FOLDER, rel);
      if (!existsSync(maskPath)) continue;
      const truth = await decodeImage(maskPath);
      const seg = segmentNucleus(await decodeImage(sources[r.index]!.image as string));
      const t = new Uint8Array(truth.data.length / 3);
      for (let k = 0; k < t.length; k++) t[k] = truth.data[3 * k]! > 127 ? 1 : 0;
      scores.push(dice(seg.nucleus.data, t));
    }
    if (scores.length > 0) {
      io.out(`segmentation vs ground truth on ${scores.length} synthetic images: median Dice ${median(scores).toFixed(3)}\n`);
    }
  }
  return 0;
}

runIfMain(import.meta.url, (argv) => main(argv));
