/**
 * Real-data study: 5-fold cross-validation of the scalar expert (metadata + mean-aggregated handmade features, no
 * CNN) on a challenge-layout cohort, repeated over several shuffles of the folds, with the library's one
 * `crossValidate` and its one bag builder `buildPatientBags`.
 *
 * Usage: `npx tsx examples/real-data-study.ts <cohortDir> <featureCacheDir> [--repeats 5] [--seed 0] [--workers 2]
 *   [--units 0] [--l2 0.0104] [--weight-decay 0] [--lr 0.01] [--epochs 100] [--models 1] [--batch 8] [--validation 0]
 *   [--baseline | --baseline-only]`
 *
 * - Extracts the 51 handmade features of every image with `extractFeaturesBatch` (decoder 'auto': sharp when
 *   installed, as the reference segmentation), cached in `<featureCacheDir>` (a rerun reads the cache).
 * - `buildPatientBags` makes each patient's bag: its usable images' features (segmentation status 'ok'), its age
 *   and raw lymphocyte count; the model standardises the features, averages them per patient and feeds
 *   [mean features, age, log(1 + count)] to the scalar expert.
 * - The scalar expert: `--units 0` (the default) makes it linear; `--units H` gives the report's two layers
 *   (dense(H) + ReLU + dense(1)). `--l2` is the coupled L2 penalty on its weight matrices: with a linear expert,
 *   l2 = 1/(C·n) on n training patients is the objective of a logistic regression of inverse strength C on the
 *   model's inputs (per-patient means of image-standardised features; the baseline standardises the means
 *   themselves, so its C is on another scale); the default 0.0104 = 1/96 is C = 1 at the 96 training patients of a
 *   fold of 120. `--weight-decay` is AdamW's decoupled decay (0 by default, so that the objective is that one).
 * - Training: `crossValidate(mixtureOfExpertsEstimator(...))` with `--models` models per fold (different
 *   initialisations, probabilities averaged), at most `--epochs` epochs, mini-batches of `--batch` patients, AdamW at
 *   `--lr`; `--validation P` holds out P percent of each training fold for the learning-rate plateau and early
 *   stopping (0: both monitor the training loss, so the plateau anneals the learning rate as the convex objective
 *   converges).
 * - `--repeats R` shuffles of the folds from `--seed S` (repeat r's folds come from `deriveSeed(S, r)`).
 * - Prints balanced accuracy, AUC, sensitivity and specificity per repeat (mean ± sd over its folds), then the mean
 *   and the sd of the per-repeat balanced accuracies. `--baseline` first prints the same figures for the plain
 *   logistic regression (`logisticRegressionEstimator`, C = 1) on the same folds; `--baseline-only` stops after it.
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import {
  buildPatientBags,
  crossValidate,
  type CrossValidationResult,
  extractFeaturesBatch,
  FEATURE_NAMES,
  loadCohort,
  logisticRegressionEstimator,
  mixtureOfExpertsEstimator,
  type PatientBag,
} from 'lymphomix';
import { runIfMain } from './runIfMain.js';

/** Parsed command line. */
interface StudyArgs {
  cohortDir: string;
  cacheDir: string;
  repeats: number;
  seed: number;
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
    repeats: 5,
    seed: 0,
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
      const min = ['workers', 'validation', 'units', 'seed'].includes(key) ? 0 : 1;
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
    repeats: flags['repeats'] as number,
    seed: flags['seed'] as number,
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
 * Builds one bag per patient from the cohort and the (cached) handmade features, with `buildPatientBags`.
 * @param cohortDir - Challenge-layout folder.
 * @param cacheDir - Feature cache folder.
 * @param workers - Feature-extraction threads.
 * @returns The bags and the number of images without usable features.
 */
export async function loadHandmadeBags(cohortDir: string, cacheDir: string, workers: number): Promise<{ bags: PatientBag[]; unusable: number }> {
  const { patients } = await loadCohort(cohortDir);
  const t0 = Date.now();
  const { results } = await extractFeaturesBatch(patients.flatMap((p) => p.images as string[]), {
    cacheDir,
    workers,
    decode: { decoder: 'auto' },
    onProgress: ({ done, total }) => {
      if (done % 1000 === 0 || done === total) process.stderr.write(`features ${done}/${total} ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
    },
  });
  const unlabelled = patients.find((p) => p.label === undefined);
  if (unlabelled !== undefined) throw new Error(`real-data-study: patient ${unlabelled.id} has no label`);
  const bags = buildPatientBags(patients, { features: results });
  const images = patients.reduce((s, p) => s + p.images.length, 0);
  return { bags, unusable: images - bags.reduce((s, b) => s + (b.handmade?.rows ?? 0), 0) };
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
      `real-data-study: ${args}\nusage: real-data-study <cohortDir> <featureCacheDir> [--repeats 5] [--seed 0] [--workers 2] ` +
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
      `l2 ${args.l2.toPrecision(3)}, ${args.repeats} repeats from seed ${args.seed}`,
  );
  const cv = { folds: 5, repeats: args.repeats, seed: args.seed };
  if (args.baseline !== 'no') {
    // The plain logistic regression on the same folds: per-patient mean of the raw handmade features, age,
    // log(1 + count), standardised and class-weighted on the training folds (C = 1).
    const baseline = await crossValidate(logisticRegressionEstimator({ c: 1 }), bags, cv);
    const per = baseline.repeats.map((r) => `repeat ${r.repeat} ${r.metrics.balancedAccuracy.toFixed(3)} (AUC ${r.metrics.auc.toFixed(3)})`).join(', ');
    console.log(`baseline logistic regression: ${per}`);
    console.log(
      `baseline balanced accuracy over ${args.repeats} repeats: ${baseline.mean.balancedAccuracy.toFixed(3)} ± ${baseline.sdOverRepeats.balancedAccuracy.toFixed(3)}`,
    );
    if (args.baseline === 'only') return 0;
  }
  const estimator = mixtureOfExpertsEstimator(
    { experts: ['scalar'], handmadeDim: FEATURE_NAMES.length, handmadeUnits: 0, scalarUnits: args.units },
    {
      epochs: args.epochs,
      batchSize: args.batch,
      learningRate: args.lr,
      weightDecay: args.weightDecay,
      l2: args.l2,
      modelsPerFold: args.models,
      validationFraction: args.validation / 100,
    },
  );
  const t0 = Date.now();
  const result = await crossValidate(estimator, bags, {
    ...cv,
    onProgress: (event) => {
      if (event.stage === 'cross-validation' && event.detail.fold === 4) {
        process.stderr.write(`repeat ${event.detail.repeat} done (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
      }
    },
  });
  for (const r of result.repeats) console.log(`repeat ${r.repeat}: ${describeRepeat(result, r.repeat)}`);
  console.log(
    `balanced accuracy over ${args.repeats} repeats: ${result.mean.balancedAccuracy.toFixed(3)} ± ` +
      `${result.sdOverRepeats.balancedAccuracy.toFixed(3)} (sd of the per-repeat means)`,
  );
  return 0;
}

/** One repeat's metrics as mean ± sd over its folds. */
function describeRepeat(result: CrossValidationResult, repeat: number): string {
  const folds = result.folds.filter((f) => f.repeat === repeat);
  const f = (key: 'balancedAccuracy' | 'auc' | 'sensitivity' | 'specificity'): string => {
    const values = folds.map((fold) => fold.metrics[key]);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1));
    return `${mean.toFixed(3)} ± ${sd.toFixed(3)}`;
  };
  return `balanced accuracy ${f('balancedAccuracy')}, AUC ${f('auc')}, sensitivity ${f('sensitivity')}, specificity ${f('specificity')}`;
}

runIfMain(import.meta.url, (argv) => main(argv));
