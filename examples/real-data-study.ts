/**
 * Real-data study: 5-fold cross-validation of the scalar expert (metadata + mean-aggregated handmade features, no
 * CNN) on a challenge-layout cohort, repeated over several reshuffles (seeds).
 *
 * Usage: `npx tsx examples/real-data-study.ts <cohortDir> <featureCacheDir> [--seeds 5] [--first-seed 0] [--workers 2]
 *   [--units 0] [--l2 0.0104] [--weight-decay 0] [--lr 0.01] [--epochs 100] [--models 1] [--batch 8] [--validation 0]
 *   [--baseline | --baseline-only]`
 *
 * - Extracts the 51 handmade features of every image with `extractFeaturesBatch` (decoder 'auto': sharp when
 *   installed, as the reference segmentation), cached in `<featureCacheDir>` (a rerun reads the cache).
 * - Each patient's bag is its usable images' features (segmentation status 'ok'); the model standardises them,
 *   averages them per patient and feeds [mean features, age, log lymphocyte count] to the scalar expert.
 * - The scalar expert: `--units 0` (the default) makes it linear; `--units H` gives the report's two layers
 *   (dense(H) + ReLU + dense(1)). `--l2` is the coupled L2 penalty on its weight matrices: with a linear expert,
 *   l2 = 1/(C·n) on n training patients is the objective of a logistic regression of inverse strength C on the
 *   model's inputs (per-patient means of image-standardised features; the baseline standardises the means
 *   themselves, so its C is on another scale); the default 0.0104 = 1/96 is C = 1 at the 96 training patients of a
 *   fold of 120. `--weight-decay` is AdamW's decoupled decay (0 by default, so that the objective is that one).
 * - Training: `crossValidate` with `--models` models per fold (different initialisations, probabilities averaged),
 *   at most `--epochs` epochs, mini-batches of `--batch` patients, AdamW at `--lr`; `--validation P` holds out P
 *   percent of each training fold for the learning-rate plateau and early stopping (0: both monitor the training
 *   loss, so the plateau anneals the learning rate as the convex objective converges).
 * - Seeds `--first-seed` … `--first-seed + --seeds − 1` (the fold reshuffles).
 * - Prints balanced accuracy, AUC, sensitivity and specificity per seed (mean ± sd over the folds), then the mean
 *   and sd of the per-seed balanced accuracies. `--baseline` first prints the same figures for the plain logistic
 *   regression (`crossValidateLogisticRegression`) on the same inputs and folds; `--baseline-only` stops after it.
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { loadCohort } from '../src/data/index.js';
import { FEATURE_NAMES, extractFeaturesBatch } from '../src/features/index.js';
import type { PatientBag } from '../src/models/index.js';
import { crossValidate } from '../src/training/crossValidate/index.js';
import { crossValidateLogisticRegression } from '../src/training/baselines/index.js';
import { runIfMain } from './runIfMain.js';

/** Parsed command line. */
interface StudyArgs {
  cohortDir: string;
  cacheDir: string;
  seeds: number;
  firstSeed: number;
  workers: number;
  epochs: number;
  models: number;
  validation: number;
  lr: number;
  batch: number;
  units: number;
  weightDecay: number;
  l2: number;
  /** Also print the logistic-regression baseline (`--baseline`), or only it (`--baseline-only`). */
  baseline: 'no' | 'also' | 'only';
}

function parseArgs(argv: readonly string[]): StudyArgs | string {
  const positional: string[] = [];
  const flags: Record<string, number> = {
    seeds: 5,
    'first-seed': 0,
    workers: 2,
    epochs: 100,
    models: 1,
    validation: 0,
    lr: 1e-2,
    batch: 8,
    units: 0,
    'weight-decay': 0,
    l2: 1 / 96,
  };
  const real = new Set(['lr', 'weight-decay', 'l2']);
  let baseline: StudyArgs['baseline'] = 'no';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--baseline' || a === '--baseline-only') {
      baseline = a === '--baseline' ? 'also' : 'only';
    } else if (a.startsWith('--')) {
      const key = a.slice(2);
      const value = Number(argv[++i]);
      const min = ['workers', 'validation', 'units', 'first-seed'].includes(key) ? 0 : 1;
      const ok = key in flags && Number.isFinite(value) && (real.has(key) ? value >= 0 && (key !== 'lr' || value > 0) : Number.isInteger(value) && value >= min);
      if (!ok || (key === 'validation' && value >= 100)) return `bad option ${a}`;
      flags[key] = value;
    } else positional.push(a);
  }
  const [cohortDir, cacheDir] = positional;
  if (cohortDir === undefined || cacheDir === undefined || positional.length !== 2) return 'expected <cohortDir> <featureCacheDir>';
  return {
    cohortDir,
    cacheDir,
    seeds: flags['seeds'] as number,
    firstSeed: flags['first-seed'] as number,
    workers: flags['workers'] as number,
    epochs: flags['epochs'] as number,
    models: flags['models'] as number,
    validation: flags['validation'] as number,
    lr: flags['lr'] as number,
    batch: flags['batch'] as number,
    units: flags['units'] as number,
    weightDecay: flags['weight-decay'] as number,
    l2: flags['l2'] as number,
    baseline,
  };
}

/**
 * Builds one bag per patient from the cohort and the (cached) handmade features.
 * @param cohortDir - Challenge-layout folder.
 * @param cacheDir - Feature cache folder.
 * @param workers - Feature-extraction threads.
 * @returns The bags and the number of images without a usable segmentation.
 */
export async function loadHandmadeBags(cohortDir: string, cacheDir: string, workers: number): Promise<{ bags: PatientBag[]; unusable: number }> {
  const { patients } = await loadCohort(cohortDir);
  const sources = patients.flatMap((p) => p.images as string[]);
  const owner = patients.flatMap((p, i) => p.images.map(() => i));
  const t0 = Date.now();
  const { results, failures } = await extractFeaturesBatch(sources, {
    cacheDir,
    workers,
    decode: { decoder: 'auto' },
    onProgress: ({ done, total }) => {
      if (done % 1000 === 0 || done === total) process.stderr.write(`features ${done}/${total} ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
    },
  });
  const rows: number[][][] = patients.map(() => []);
  let unusable = failures.length;
  for (const r of results) {
    if (r.features === null) {
      unusable++;
      continue;
    }
    const features = r.features;
    (rows[owner[r.index] as number] as number[][]).push(FEATURE_NAMES.map((n) => features[n]));
  }
  const bags = patients.map((p, i): PatientBag => {
    const mine = rows[i] as number[][];
    if (p.label === undefined) throw new Error(`real-data-study: patient ${p.id} has no label`);
    if (mine.length === 0) throw new Error(`real-data-study: patient ${p.id} has no usable image`);
    return {
      id: p.id,
      label: p.label,
      age: p.age,
      lymphCount: p.lymphCount,
      handmade: { data: Float32Array.from(mine.flat()), rows: mine.length, cols: FEATURE_NAMES.length },
    };
  });
  return { bags, unusable };
}

/**
 * For each handmade feature, (sd of the per-patient means / sd over all images)², sorted: the factor that turns the
 * model's C (its inputs are means of image-standardised features) into the baseline's (standardised means).
 *
 * @param bags - The patients' bags (all of them: a description of the cohort, not a fitted statistic).
 * @returns One factor per feature, ascending.
 */
function varianceRatios(bags: readonly PatientBag[]): number[] {
  const cols = bags[0]?.handmade?.cols ?? 0;
  const sd = (values: number[]): number => {
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  };
  const ratios: number[] = [];
  for (let j = 0; j < cols; j++) {
    const images: number[] = [];
    const means = bags.map((b) => {
      const h = b.handmade!;
      let sum = 0;
      for (let r = 0; r < h.rows; r++) {
        const v = h.data[r * h.cols + j]!;
        images.push(v);
        sum += v;
      }
      return sum / h.rows;
    });
    const s = sd(images);
    if (s > 0) ratios.push((sd(means) / s) ** 2);
  }
  return ratios.sort((a, b) => a - b);
}

/**
 * Runs the study.
 * @param argv - The arguments after the script name.
 * @returns The exit code (0 done, 2 usage error).
 */
export async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    process.stderr.write(
      `real-data-study: ${args}\nusage: real-data-study <cohortDir> <featureCacheDir> [--seeds 5] [--first-seed 0] [--workers 2] ` +
        '[--units 0] [--l2 0.0104] [--weight-decay 0] [--lr 0.01] [--epochs 100] [--models 1] [--batch 8] [--validation 0] ' +
        '[--baseline | --baseline-only]\n',
    );
    return 2;
  }
  await tf.setBackend('cpu');
  const { bags, unusable } = await loadHandmadeBags(args.cohortDir, args.cacheDir, args.workers);
  const positives = bags.filter((b) => b.label === 1).length;
  console.log(`${bags.length} patients (${positives} malignant), ${bags.reduce((s, b) => s + (b.handmade?.rows ?? 0), 0)} usable images, ${unusable} unusable`);
  const ratios = varianceRatios(bags);
  console.log(
    `C in the baseline's units (per-patient standardised means) = C · (sd of patient means / sd of images)²: ` +
      `factor ${ratios[0]!.toFixed(2)}–${ratios.at(-1)!.toFixed(2)}, median ${ratios[ratios.length >> 1]!.toFixed(2)} over the ${ratios.length} features`,
  );
  console.log(
    'model: scalar expert on [mean of 51 standardised handmade features, age, log(1 + count)], 5-fold CV, ' +
      `${args.models} model(s) per fold, ≤ ${args.epochs} epochs, inner validation ${args.validation}%, lr ${args.lr}, ` +
      `batch ${args.batch}, ${args.units === 0 ? "linear (0 hidden units)" : `${args.units} hidden units`}, weight decay ${args.weightDecay}, ` +
      `l2 ${args.l2.toPrecision(3)}, seeds ${args.firstSeed}–${args.firstSeed + args.seeds - 1}`,
  );
  if (args.baseline !== 'no') {
    // The plain logistic regression on the same inputs and folds: per-patient mean of the raw handmade features,
    // age, log(1 + count), standardised and class-weighted on the training folds (fitLogisticRegression, C = 1).
    const rows = bags.map((b) => {
      const h = b.handmade!;
      const mean = new Array<number>(h.cols).fill(0);
      for (let r = 0; r < h.rows; r++) for (let c = 0; c < h.cols; c++) mean[c]! += h.data[r * h.cols + c]! / h.rows;
      return [...mean, b.age, Math.log1p(b.lymphCount)];
    });
    const seeds = Array.from({ length: args.seeds }, (_, i) => args.firstSeed + i);
    const lr = crossValidateLogisticRegression(rows, bags.map((b) => b.label!), { seeds });
    const per = lr.balancedAccuracy.map((v, i) => `seed ${seeds[i]!} ${v.toFixed(3)} (AUC ${lr.auc[i]!.toFixed(3)})`).join(', ');
    console.log(`baseline logistic regression: ${per}`);
    console.log(`baseline balanced accuracy over ${seeds.length} reshuffles: ${lr.summary.mean.toFixed(3)} ± ${lr.summary.sd.toFixed(3)}`);
    if (args.baseline === 'only') return 0;
  }
  const perSeed: number[] = [];
  for (let seed = args.firstSeed; seed < args.firstSeed + args.seeds; seed++) {
    const t0 = Date.now();
    const cv = await crossValidate(bags, {
      seed,
      model: { experts: ['scalar'], handmadeDim: FEATURE_NAMES.length, handmadeUnits: 0, scalarUnits: args.units },
      fit: { epochs: args.epochs, batchSize: args.batch, learningRate: args.lr, weightDecay: args.weightDecay, l2: args.l2 },
      modelsPerFold: args.models,
      validationFraction: args.validation / 100,
    });
    perSeed.push(cv.mean.balancedAccuracy);
    const f = (k: keyof typeof cv.mean): string => `${cv.mean[k].toFixed(3)} ± ${cv.sd[k].toFixed(3)}`;
    console.log(
      `seed ${seed}: balanced accuracy ${f('balancedAccuracy')}, AUC ${f('auc')}, sensitivity ${f('sensitivity')}, ` +
        `specificity ${f('specificity')} (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
    );
  }
  const mean = perSeed.reduce((a, b) => a + b, 0) / perSeed.length;
  const sd = perSeed.length > 1 ? Math.sqrt(perSeed.reduce((s, v) => s + (v - mean) ** 2, 0) / (perSeed.length - 1)) : 0;
  console.log(`balanced accuracy over ${perSeed.length} reshuffles: ${mean.toFixed(3)} ± ${sd.toFixed(3)} (sd of the per-seed means)`);
  return 0;
}

runIfMain(import.meta.url, (argv) => main(argv));
