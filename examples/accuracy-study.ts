/**
 * Accuracy study of the per-cell expert (`cellScoresEstimator`) on a challenge-layout cohort: 5-fold stratified
 * cross-validation at patient level with the library's `crossValidate`, over several reshuffles of the folds, with
 * the wall time of each run. One configuration per invocation, so that each row of `docs/results.md` has one command.
 *
 * Usage: `npx tsx examples/accuracy-study.ts <cohortDir> <cacheDir> [--seeds 0,1] [--model cells|means|metadata]
 *   [--learner logistic|gbdt|mlp|logistic+gbdt] [--c 0.1] [--rounds 100] [--depth 3] [--eta 0.1] [--hidden 16] [--epochs 30]
 *   [--pooling mean] [--texture]
 *   [--no-metadata] [--final refit|innerAverage] [--inner-folds 5] [--stacker-c 1]`
 *
 * - Per image: decode (sharp), `segmentNucleus`, the 51 handmade features (`cellFeaturesFromSegmentation`) and the
 *   17 texture descriptors of the nucleus (`extractTextureFeatures`), cached in `<cacheDir>` (one file for the
 *   cohort; a rerun on the same image list reads it). Images without a nucleus are left out of their patient.
 * - `--model cells` (default): the per-cell expert; each cell's 51 features (68 with `--texture`) go to the per-cell
 *   learner (`--learner logistic` with inverse strength `--c`, `gbdt` with `--rounds`, `--depth`, `--eta`, or `mlp`
 *   with `--hidden` units and `--epochs`, or `logistic+gbdt`: both, their pooled scores side by side in the stacker); its
 *   cross-fitted cell scores are pooled per patient (`--pooling mean|quantiles|meanQuantiles|topk|lse`) and stacked
 *   with age and log(1 + count) (`--no-metadata`: the pooled scores alone). `--model means`: the logistic-regression
 *   baseline on per-patient feature means + metadata; `--model metadata`: age and log(1 + count) only.
 * - Reshuffle s (each value of `--seeds`) is `crossValidate(estimator, bags, { folds: 5, repeats: 1, seed: s })`.
 *   Prints, per reshuffle, balanced accuracy and ROC AUC (means over the 5 folds), the cells-only and
 *   metadata-only experts' balanced accuracy, and the wall time; then mean ± sample sd over the reshuffles.
 * @module
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { loadCohort } from '../src/data/index.js';
import { cellFeaturesFromSegmentation, FEATURE_NAMES } from '../src/features/cell/index.js';
import { extractTextureFeatures, TEXTURE_FEATURE_NAMES } from '../src/features/texture/index.js';
import { decodeImage } from '../src/io/index.js';
import type { PatientBag } from '../src/models/index.js';
import { segmentNucleus } from '../src/segmentation/index.js';
import { logisticRegressionEstimator } from '../src/training/baselines/index.js';
import { cellScoresEstimator, gbdtInstanceLearner, logisticInstanceLearner, mlpInstanceLearner, type CellPooling } from '../src/training/cellScores/index.js';
import { crossValidate } from '../src/training/crossValidate/index.js';
import type { BagPrediction, Estimator } from '../src/training/estimator/index.js';
import { balancedAccuracy } from '../src/training/metrics/index.js';
import { runIfMain } from './runIfMain.js';

/** Parsed command line. */
export interface AccuracyStudyArgs {
  cohortDir: string;
  cacheDir: string;
  seeds: number[];
  model: 'cells' | 'means' | 'metadata';
  learner: 'logistic' | 'gbdt' | 'mlp' | 'logistic+gbdt';
  hidden: number;
  epochs: number;
  c: number;
  rounds: number;
  depth: number;
  eta: number;
  pooling: CellPooling;
  texture: boolean;
  metadata: boolean;
  final: 'refit' | 'innerAverage';
  innerFolds: number;
  stackerC: number;
}

const CACHE_VERSION = 1;
const HANDMADE = FEATURE_NAMES.length;
const TEXTURE = TEXTURE_FEATURE_NAMES.length;

/**
 * Parses the command line.
 * @param argv - the arguments after the script name
 * @returns the arguments, or a message saying what is wrong
 */
export function parseArgs(argv: readonly string[]): AccuracyStudyArgs | string {
  const positional: string[] = [];
  const out: Omit<AccuracyStudyArgs, 'cohortDir' | 'cacheDir'> = {
    seeds: [0, 1],
    model: 'cells',
    learner: 'logistic',
    c: 0.1,
    rounds: 100,
    depth: 3,
    eta: 0.1,
    hidden: 16,
    epochs: 30,
    pooling: 'mean',
    texture: false,
    metadata: true,
    final: 'refit',
    innerFolds: 5,
    stackerC: 1,
  };
  const choices: Record<string, readonly string[]> = {
    model: ['cells', 'means', 'metadata'],
    learner: ['logistic', 'gbdt', 'mlp', 'logistic+gbdt'],
    pooling: ['mean', 'quantiles', 'meanQuantiles', 'topk', 'lse'],
    final: ['refit', 'innerAverage'],
  };
  const numbers: Record<string, keyof typeof out> = { c: 'c', rounds: 'rounds', depth: 'depth', eta: 'eta', hidden: 'hidden', epochs: 'epochs', 'inner-folds': 'innerFolds', 'stacker-c': 'stackerC' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--texture') out.texture = true;
    else if (a === '--no-metadata') out.metadata = false;
    else if (a === '--seeds') {
      const seeds = (argv[++i] ?? '').split(',').map(Number);
      if (seeds.length === 0 || !seeds.every((s) => Number.isInteger(s) && s >= 0)) return `bad --seeds ${argv[i]}`;
      out.seeds = seeds;
    } else if (a.startsWith('--') && a.slice(2) in choices) {
      const v = argv[++i] ?? '';
      if (!choices[a.slice(2)]!.includes(v)) return `bad ${a} ${v}: one of ${choices[a.slice(2)]!.join(', ')}`;
      (out as unknown as Record<string, string>)[a.slice(2)] = v;
    } else if (a.startsWith('--') && a.slice(2) in numbers) {
      const v = Number(argv[++i]);
      if (!(v > 0) || !Number.isFinite(v)) return `bad ${a} ${argv[i]}: a number > 0`;
      (out as unknown as Record<string, number>)[numbers[a.slice(2)]!] = v;
    } else if (a.startsWith('--')) return `unknown option ${a}`;
    else positional.push(a);
  }
  const [cohortDir, cacheDir] = positional;
  if (cohortDir === undefined || cacheDir === undefined || positional.length !== 2) return 'expected <cohortDir> <cacheDir>';
  return { cohortDir, cacheDir, ...out };
}

/**
 * The cohort's patients with, per usable image, the 51 handmade features followed by the 17 texture descriptors
 * (68 columns), computed once and cached in `cacheDir`.
 * @param cohortDir - challenge-layout folder
 * @param cacheDir - cache folder (created)
 * @returns one bag per patient with `handmade` [M, 68], and the number of images without a nucleus
 */
export async function loadCellBags(cohortDir: string, cacheDir: string): Promise<{ bags: PatientBag[]; unusable: number }> {
  const { patients } = await loadCohort(cohortDir);
  const images = patients.flatMap((p) => p.images.map(String));
  const cols = HANDMADE + TEXTURE;
  mkdirSync(cacheDir, { recursive: true });
  const dataFile = join(cacheDir, `accuracy-study-cells-v${CACHE_VERSION}.f32`);
  const indexFile = join(cacheDir, `accuracy-study-cells-v${CACHE_VERSION}.json`);
  let rows: Float32Array;
  let ok: boolean[];
  const cached = existsSync(indexFile) ? (JSON.parse(readFileSync(indexFile, 'utf8')) as { images: string[]; ok: boolean[] }) : null;
  if (cached !== null && cached.images.length === images.length && cached.images.every((s, i) => s === images[i])) {
    const buf = readFileSync(dataFile);
    rows = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    ok = cached.ok;
  } else {
    const t0 = Date.now();
    const values: number[] = [];
    ok = [];
    for (const [i, source] of images.entries()) {
      const image = await decodeImage(source, { decoder: 'sharp' });
      const seg = segmentNucleus(image);
      const { features } = cellFeaturesFromSegmentation(seg);
      ok.push(features !== null);
      if (features !== null) {
        const texture = extractTextureFeatures(image, seg.nucleus.data);
        for (const n of FEATURE_NAMES) values.push(features[n]);
        for (const n of TEXTURE_FEATURE_NAMES) values.push(texture[n]);
      }
      if ((i + 1) % 1000 === 0 || i + 1 === images.length) {
        process.stderr.write(`features ${i + 1}/${images.length} ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
      }
    }
    rows = Float32Array.from(values);
    writeFileSync(dataFile, rows);
    writeFileSync(indexFile, JSON.stringify({ images, ok }));
  }
  let image = 0;
  let row = 0;
  const bags = patients.map((p): PatientBag => {
    const mine: number[] = [];
    for (let k = 0; k < p.images.length; k++, image++) if (ok[image]) mine.push(row++);
    if (p.label === undefined) throw new Error(`accuracy-study: patient ${p.id} has no label`);
    if (mine.length === 0) throw new Error(`accuracy-study: patient ${p.id} has no usable image`);
    const data = new Float32Array(mine.length * cols);
    mine.forEach((r, k) => data.set(rows.subarray(r * cols, (r + 1) * cols), k * cols));
    return { id: p.id, label: p.label, age: p.age, lymphCount: p.lymphCount, handmade: { data, rows: mine.length, cols } };
  });
  return { bags, unusable: ok.filter((x) => !x).length };
}

/**
 * Keeps the first `cols` columns of each bag's `handmade` matrix.
 * @param bags - bags with at least `cols` columns
 * @param cols - columns to keep
 * @returns new bags
 */
export function keepColumns(bags: readonly PatientBag[], cols: number): PatientBag[] {
  return bags.map((b) => {
    const h = b.handmade!;
    if (h.cols === cols) return b;
    const data = new Float32Array(h.rows * cols);
    for (let i = 0; i < h.rows; i++) data.set(h.data.subarray(i * h.cols, i * h.cols + cols), i * cols);
    return { ...b, handmade: { data, rows: h.rows, cols } };
  });
}

/**
 * The estimator a command line describes.
 * @param args - parsed arguments
 * @returns the estimator
 */
export function estimatorOf(args: AccuracyStudyArgs): Estimator<BagPrediction> {
  if (args.model === 'metadata') return logisticRegressionEstimator({ inputs: ['metadata'] });
  if (args.model === 'means') return logisticRegressionEstimator({ inputs: ['handmade', 'metadata'] });
  const gbdt = gbdtInstanceLearner({ rounds: args.rounds, maxDepth: args.depth, learningRate: args.eta });
  const learner =
    args.learner === 'logistic+gbdt'
      ? [logisticInstanceLearner({ c: args.c }), gbdt]
      : args.learner === 'logistic'
      ? logisticInstanceLearner({ c: args.c })
      : args.learner === 'gbdt'
        ? gbdt
        : mlpInstanceLearner({ hidden: args.hidden, epochs: args.epochs });
  return cellScoresEstimator({
    learner,
    pooling: args.pooling,
    useMetadata: args.metadata,
    finalModel: args.final,
    innerFolds: args.innerFolds,
    stackerC: args.stackerC,
  });
}

const meanSd = (xs: readonly number[]): string => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1)) : NaN;
  return `${m.toFixed(3)} ± ${sd.toFixed(3)}`;
};

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    console.error(`accuracy-study: ${args}`);
    return 2;
  }
  const { bags: all, unusable } = await loadCellBags(args.cohortDir, args.cacheDir);
  const bags = keepColumns(all, args.texture ? HANDMADE + TEXTURE : HANDMADE);
  const estimator = estimatorOf(args);
  const cellsTotal = bags.reduce((s, b) => s + b.handmade!.rows, 0);
  console.log(`${bags.length} patients (${bags.filter((b) => b.label === 1).length} malignant), ${cellsTotal} cells, ${unusable} images without a nucleus`);
  console.log(`${estimator.name}, ${bags[0]!.handmade!.cols} features per cell; ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'})`);
  const ba: number[] = [];
  const auc: number[] = [];
  const cellsBa: number[] = [];
  const seconds: number[] = [];
  for (const seed of args.seeds) {
    const t0 = performance.now();
    const cv = await crossValidate(estimator, bags, { folds: 5, repeats: 1, seed });
    const s = (performance.now() - t0) / 1000;
    const oof = cv.repeats[0]!.outOfFold;
    const experts = oof.experts;
    const foldBa = (p: Float32Array | null | undefined): number =>
      p ? cv.folds.reduce((sum, f) => sum + balancedAccuracy(f.test.map((i) => bags[i]!.label!), f.test.map((i) => p[i]!)), 0) / cv.folds.length : NaN;
    const cb = foldBa(experts?.['cells']);
    ba.push(cv.mean.balancedAccuracy);
    auc.push(cv.mean.auc);
    cellsBa.push(cb);
    seconds.push(s);
    console.log(
      `reshuffle ${seed}: balanced accuracy ${cv.mean.balancedAccuracy.toFixed(3)}, AUC ${cv.mean.auc.toFixed(3)}, ` +
        `cells-only ${cb.toFixed(3)}, metadata-only ${foldBa(experts?.['metadata']).toFixed(3)}, ${s.toFixed(1)} s`,
    );
  }
  console.log(
    `seeds ${args.seeds.join(',')}: balanced accuracy ${meanSd(ba)}, AUC ${meanSd(auc)}, cells-only ${meanSd(cellsBa)}, ` +
      `wall ${meanSd(seconds)} s per 5-fold run`,
  );
  return 0;
}

runIfMain(import.meta.url, main);
