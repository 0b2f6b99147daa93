/**
 * Accuracy study of the per-cell expert (`cellScoresEstimator`) on a challenge-layout cohort: 5-fold stratified
 * cross-validation at patient level with the library's `crossValidate`, over several reshuffles of the folds, with
 * the wall time of each run. One configuration per invocation, so that each row of `docs/results.md` has one command.
 *
 * Usage: `npx tsx examples/accuracy-study.ts <cohortDir> <cacheDir> [--seeds 0,1] [--model cells|means|metadata]
 *   [--learner logistic|gbdt|mlp|logistic+gbdt] [--c 0.1] [--rounds 100] [--depth 3] [--eta 0.1] [--hidden 16] [--epochs 30]
 *   [--pooling mean] [--texture]
 *   [--no-metadata] [--final refit|innerAverage] [--inner-folds 5] [--stacker-c 1]
 *   [--model mixture [--combination sigmoid|softmax|concat] [--experts both|cells|metadata] [--no-multitask]
 *    [--aggregator mean|max|logSumExp|topKMean|attention|gatedAttention|instanceScore] [--hidden-image 0] [--lr 0.01] [--l2 0.01]
 *    [--mix-epochs 100] [--validation 0] [--members 1] [--training joint|stagewise]] [--ensemble none|fold|bag] [--ensemble-size 5] [--bag-fraction 0.8]
 *   [--model cnn [--crop-size 48] [--crop-window 128] [--cnn-epochs 10] [--cells-per-bag 16] [--cnn-lr 0.003]
 *    [--no-multitask] [--frozen] [--stack [--inner-folds 5] [--final refit|innerAverage]]]
 *   [--model mil [--aggregator mean] [--score-method mean|max|logSumExp|topKMean] [--handmade-units 16] [--scalar-units 0]
 *    [--lr 0.01] [--l2 0.01] [--mix-epochs 100] [--validation 0] [--members 1]]`
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
 * - `--model mixture`: the mixture of experts on the per-cell scores (`cellScoresMixtureEstimator`): the same per-cell
 *   learner, cross-fitted, its out-of-fold cell scores are the image expert's instances (pooled by `--aggregator`),
 *   the scalar expert sees age and log(1 + count), the gate (`--combination sigmoid` the report's, `softmax` the
 *   parent paper's, `concat` none) weighs them; `--experts cells|metadata` keeps one expert; `--no-multitask` drops
 *   the count head; `--hidden-image H` adds the shared linear layer before the heads; trained with AdamW `--lr`,
 *   coupled `--l2`, `--mix-epochs`, inner validation fraction `--validation`, `--members` models averaged;
 *   `--training stagewise` fits each expert alone first, freezes it and trains only the gate. The
 *   cross-fitted per-cell stages are cached in `<cacheDir>/cell-stages` (content-keyed), so the variants fit the
 *   per-cell model once per training set. Prints the mean gate π per class as well.
 * - `--model cnn`: the crop CNN (`cropCnnEstimator`) trained from scratch on nucleus-centred crops (`nucleusCrop`:
 *   a `--crop-window` px window around the nucleus centroid, area-averaged to `--crop-size` px; computed once and
 *   cached in `<cacheDir>` as uint8), `--cells-per-bag` crops per patient drawn afresh each of `--cnn-epochs` epochs,
 *   random flips and 90° rotations, Adam `--cnn-lr`; its mean-pooled embedding → image expert, plus a linear term on
 *   age and log count; MultiTask (count head) unless `--no-multitask`; `--frozen`: the conv blocks keep their random
 *   weights (the control). "cells-only" is then the image expert alone. `--stack`: the CNN without its metadata term,
 *   cross-fitted inside each training fold (`--inner-folds`; `--final innerAverage` scores new patients with the
 *   inner models averaged instead of a refit) and its probability stacked with age and log count by a logistic
 *   regression (`metadataStackEstimator`), as the default stacks its cell scores; "cells-only" is then the CNN alone.
 * - `--model mil`: the report's fourth block trained end to end (`mixtureOfExpertsEstimator` with the scalar expert
 *   only): each cell's features go through a per-cell MLP (`--handmade-units` ReLU units; 0: the standardised features
 *   themselves), the patient's cells are pooled by `--aggregator` (`instanceScore`: a trainable linear score per cell
 *   pooled by `--score-method`), and the scalar expert (`--scalar-units` hidden units; 0: linear) sees the pooled
 *   embedding, age and log count; AdamW `--lr`, coupled `--l2`, `--mix-epochs`, `--validation`, `--members` as for
 *   `--model mixture`.
 * - `--ensemble fold`: `foldEnsembleEstimator` of the model with `--ensemble-size` K folds (K members, each fitted
 *   without one stratified fold of the training patients, predictions averaged); `--ensemble bag`:
 *   `baggingEstimator` with `--ensemble-size` members, each on a stratified `--bag-fraction` of the training
 *   patients drawn without replacement.
 * - Reshuffle s (each value of `--seeds`) is `crossValidate(estimator, bags, { folds: 5, repeats: 1, seed: s })`.
 *   Prints, per reshuffle, balanced accuracy and ROC AUC (means over the 5 folds), the cells-only and
 *   metadata-only experts' balanced accuracy, and the wall time; then mean ± sample sd over the reshuffles.
 * @module
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import {
  AGGREGATOR_NAMES,
  type AggregatorName,
  BAG_POOLING_METHODS,
  type BagPoolingMethod,
  baggingEstimator,
  type BagPrediction,
  balancedAccuracy,
  cellFeaturesFromSegmentation,
  type CellPooling,
  type CellScoreCache,
  cellScoresEstimator,
  cellScoresMixtureEstimator,
  type CellScoreStageState,
  cropCnnEstimator,
  crossValidate,
  metadataStackEstimator,
  mixtureOfExpertsEstimator,
  decodeImage,
  type Estimator,
  extractTextureFeatures,
  FEATURE_NAMES,
  foldEnsembleEstimator,
  gbdtInstanceLearner,
  loadCohort,
  logisticInstanceLearner,
  logisticRegressionEstimator,
  mlpInstanceLearner,
  nucleusCrop,
  type PatientBag,
  segmentNucleus,
  TEXTURE_FEATURE_NAMES,
} from 'lymphomix';
import { runIfMain } from './runIfMain.js';

/** Parsed command line. */
export interface AccuracyStudyArgs {
  cohortDir: string;
  cacheDir: string;
  seeds: number[];
  model: 'cells' | 'means' | 'metadata' | 'mixture' | 'cnn' | 'mil';
  combination: 'sigmoid' | 'softmax' | 'concat';
  experts: 'both' | 'cells' | 'metadata';
  multitask: boolean;
  aggregator: AggregatorName;
  scoreMethod: BagPoolingMethod;
  handmadeUnits: number;
  scalarUnits: number;
  hiddenImage: number;
  lr: number;
  l2: number;
  mixEpochs: number;
  validation: number;
  members: number;
  ensemble: 'none' | 'fold' | 'bag';
  training: 'joint' | 'stagewise';
  cropSize: number;
  cropWindow: number;
  cnnEpochs: number;
  cellsPerBag: number;
  cnnLr: number;
  frozen: boolean;
  stack: boolean;
  ensembleSize: number;
  bagFraction: number;
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
    combination: 'sigmoid',
    experts: 'both',
    multitask: true,
    aggregator: 'mean',
    scoreMethod: 'mean',
    handmadeUnits: 16,
    scalarUnits: 0,
    hiddenImage: 0,
    lr: 0.01,
    l2: 0.01,
    mixEpochs: 100,
    validation: 0,
    members: 1,
    ensemble: 'none',
    training: 'joint',
    cropSize: 48,
    cropWindow: 128,
    cnnEpochs: 10,
    cellsPerBag: 16,
    cnnLr: 0.003,
    frozen: false,
    stack: false,
    ensembleSize: 5,
    bagFraction: 0.8,
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
    model: ['cells', 'means', 'metadata', 'mixture', 'cnn', 'mil'],
    combination: ['sigmoid', 'softmax', 'concat'],
    experts: ['both', 'cells', 'metadata'],
    aggregator: AGGREGATOR_NAMES,
    'score-method': BAG_POOLING_METHODS,
    learner: ['logistic', 'gbdt', 'mlp', 'logistic+gbdt'],
    pooling: ['mean', 'quantiles', 'meanQuantiles', 'topk', 'lse'],
    final: ['refit', 'innerAverage'],
    ensemble: ['none', 'fold', 'bag'],
    training: ['joint', 'stagewise'],
  };
  const numbers: Record<string, keyof typeof out> = { c: 'c', rounds: 'rounds', depth: 'depth', eta: 'eta', hidden: 'hidden', epochs: 'epochs', 'inner-folds': 'innerFolds', 'stacker-c': 'stackerC', lr: 'lr', 'mix-epochs': 'mixEpochs', members: 'members', 'ensemble-size': 'ensembleSize', 'bag-fraction': 'bagFraction', 'crop-size': 'cropSize', 'crop-window': 'cropWindow', 'cnn-epochs': 'cnnEpochs', 'cells-per-bag': 'cellsPerBag', 'cnn-lr': 'cnnLr' };
  const zeroOk: Record<string, keyof typeof out> = { l2: 'l2', validation: 'validation', 'hidden-image': 'hiddenImage', 'handmade-units': 'handmadeUnits', 'scalar-units': 'scalarUnits' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--texture') out.texture = true;
    else if (a === '--no-metadata') out.metadata = false;
    else if (a === '--no-multitask') out.multitask = false;
    else if (a === '--frozen') out.frozen = true;
    else if (a === '--stack') out.stack = true;
    else if (a.startsWith('--') && a.slice(2) in zeroOk) {
      const v = Number(argv[++i]);
      if (!(v >= 0) || !Number.isFinite(v)) return `bad ${a} ${argv[i]}: a number ≥ 0`;
      (out as unknown as Record<string, number>)[zeroOk[a.slice(2)]!] = v;
    }
    else if (a === '--seeds') {
      const seeds = (argv[++i] ?? '').split(',').map(Number);
      if (seeds.length === 0 || !seeds.every((s) => Number.isInteger(s) && s >= 0)) return `bad --seeds ${argv[i]}`;
      out.seeds = seeds;
    } else if (a.startsWith('--') && a.slice(2) in choices) {
      const v = argv[++i] ?? '';
      if (!choices[a.slice(2)]!.includes(v)) return `bad ${a} ${v}: one of ${choices[a.slice(2)]!.join(', ')}`;
      (out as unknown as Record<string, string>)[a === '--score-method' ? 'scoreMethod' : a.slice(2)] = v;
    } else if (a.startsWith('--') && a.slice(2) in numbers) {
      const v = Number(argv[++i]);
      if (!(v > 0) || !Number.isFinite(v)) return `bad ${a} ${argv[i]}: a number > 0`;
      (out as unknown as Record<string, number>)[numbers[a.slice(2)]!] = v;
    } else if (a.startsWith('--')) return `unknown option ${a}`;
    else positional.push(a);
  }
  const [cohortDir, cacheDir] = positional;
  if (cohortDir === undefined || cacheDir === undefined || positional.length !== 2) return 'expected <cohortDir> <cacheDir>';
  if (out.stack && out.model !== 'cnn') return `--stack goes with --model cnn (not ${out.model})`;
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
 * Each patient's nucleus-centred crops (`nucleusCrop`, window and size as given) as the bags' `images` [n, S·S·3]
 * (values in [0, 1]), for the images with a nucleus, in the order of {@link loadCellBags}; computed once (decode with
 * sharp, `segmentNucleus`, crop) and cached in `cacheDir` as uint8.
 * @param cohortDir - challenge-layout folder
 * @param cacheDir - cache folder (created)
 * @param bags - the bags of {@link loadCellBags} (their ids, labels and metadata are kept)
 * @param size - crop side S in pixels
 * @param window - window side in source pixels
 * @returns new bags with `images` and without `handmade`
 */
export async function loadCropBags(cohortDir: string, cacheDir: string, bags: readonly PatientBag[], size: number, window: number): Promise<PatientBag[]> {
  const { patients } = await loadCohort(cohortDir);
  const images = patients.flatMap((p) => p.images.map(String));
  const dim = size * size * 3;
  const file = join(cacheDir, `accuracy-study-crops-v${CACHE_VERSION}-s${size}-w${window}.u8`);
  const index = JSON.parse(readFileSync(join(cacheDir, `accuracy-study-cells-v${CACHE_VERSION}.json`), 'utf8')) as { images: string[]; ok: boolean[] };
  if (index.images.length !== images.length || !index.images.every((x, i) => x === images[i])) throw new Error('accuracy-study: the feature cache is for another image list');
  let bytes: Uint8Array;
  if (existsSync(file)) bytes = new Uint8Array(readFileSync(file));
  else {
    const t0 = Date.now();
    const usable = index.ok.filter(Boolean).length;
    bytes = new Uint8Array(usable * dim);
    let row = 0;
    for (const [i, source] of images.entries()) {
      if (!index.ok[i]) continue;
      const image = await decodeImage(source, { decoder: 'sharp' });
      const crop = nucleusCrop(image, segmentNucleus(image).nucleus, { size, window });
      for (let k = 0; k < dim; k++) bytes[row * dim + k] = Math.round(crop[k]! * 255);
      row++;
      if ((i + 1) % 1000 === 0) process.stderr.write(`crops ${i + 1}/${images.length} ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
    }
    writeFileSync(`${file}.tmp`, bytes);
    renameSync(`${file}.tmp`, file);
  }
  let row = 0;
  return bags.map((b) => {
    const n = b.handmade!.rows;
    const data = new Float32Array(n * dim);
    for (let k = 0; k < n * dim; k++) data[k] = bytes[row * dim + k]! / 255;
    row += n;
    return { id: b.id, label: b.label, age: b.age, lymphCount: b.lymphCount, images: { data, rows: n, cols: dim } };
  });
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
export function estimatorOf(args: AccuracyStudyArgs, cache?: CellScoreCache): Estimator<BagPrediction> {
  const single = singleEstimatorOf(args, cache);
  if (args.ensemble === 'fold') return foldEnsembleEstimator(single, { folds: args.ensembleSize });
  if (args.ensemble === 'bag') return baggingEstimator(single, { members: args.ensembleSize, fraction: args.bagFraction });
  return single;
}

function singleEstimatorOf(args: AccuracyStudyArgs, cache?: CellScoreCache): Estimator<BagPrediction> {
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
  if (args.model === 'cnn') {
    const cnn = cropCnnEstimator({
      model: { size: args.cropSize, multitask: args.multitask, frozenBackbone: args.frozen, metadata: !args.stack },
      epochs: args.cnnEpochs,
      cellsPerBag: args.cellsPerBag,
      learningRate: args.cnnLr,
    });
    return args.stack ? metadataStackEstimator(cnn, { innerFolds: args.innerFolds, final: args.final }) : cnn;
  }
  if (args.model === 'mil') {
    return mixtureOfExpertsEstimator(
      {
        experts: ['scalar'],
        handmadeDim: args.texture ? HANDMADE + TEXTURE : HANDMADE,
        handmadeUnits: args.handmadeUnits,
        handmadeAggregator: args.aggregator,
        instanceScoreMethod: args.scoreMethod,
        scalarUnits: args.scalarUnits,
        multitask: false,
      },
      { learningRate: args.lr, l2: args.l2, epochs: args.mixEpochs, validationFraction: args.validation, modelsPerFold: args.members },
    );
  }
  if (args.model === 'mixture') {
    return cellScoresMixtureEstimator({
      learner,
      finalModel: args.final,
      innerFolds: args.innerFolds,
      mixture: {
        experts: args.experts === 'both' ? ['image', 'scalar'] : args.experts === 'cells' ? ['image'] : ['scalar'],
        combination: args.combination,
        multitask: args.multitask,
        imageAggregator: args.aggregator,
        imageHiddenUnits: args.hiddenImage,
      },
      training: args.training,
      fit: { learningRate: args.lr, l2: args.l2, epochs: args.mixEpochs, validationFraction: args.validation, modelsPerFold: args.members },
      ...(cache === undefined ? {} : { cache }),
    });
  }
  return cellScoresEstimator({
    learner,
    pooling: args.pooling,
    useMetadata: args.metadata,
    finalModel: args.final,
    innerFolds: args.innerFolds,
    stackerC: args.stackerC,
  });
}

/**
 * A content-keyed store of fitted per-cell stages in a folder (one JSON file per key, written then renamed).
 * @param dir - the folder (created)
 * @returns the cache
 */
export function folderStageCache(dir: string): CellScoreCache {
  mkdirSync(dir, { recursive: true });
  return {
    get: (key) => (existsSync(join(dir, `${key}.json`)) ? (JSON.parse(readFileSync(join(dir, `${key}.json`), 'utf8')) as CellScoreStageState) : undefined),
    set: (key, value) => {
      const tmp = join(dir, `${key}.${process.pid}.tmp`);
      writeFileSync(tmp, JSON.stringify(value));
      renameSync(tmp, join(dir, `${key}.json`));
    },
  };
}

/** Three decimals, or '–' for a figure the model does not give (NaN: no such expert). */
const fixed = (x: number): string => (Number.isNaN(x) ? '–' : x.toFixed(3));

const meanSd = (xs: readonly number[]): string => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length < 2) return `${m.toFixed(3)} (one reshuffle: no sd)`;
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
  return `${m.toFixed(3)} ± ${sd.toFixed(3)}`;
};

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    console.error(`accuracy-study: ${args}`);
    return 2;
  }
  const { bags: all, unusable } = await loadCellBags(args.cohortDir, args.cacheDir);
  const bags = args.model === 'cnn' ? await loadCropBags(args.cohortDir, args.cacheDir, all, args.cropSize, args.cropWindow) : keepColumns(all, args.texture ? HANDMADE + TEXTURE : HANDMADE);
  const estimator = estimatorOf(args, args.model === 'mixture' ? folderStageCache(join(args.cacheDir, 'cell-stages')) : undefined);
  const cellsTotal = bags.reduce((s, b) => s + (b.handmade ?? b.images)!.rows, 0);
  console.log(`${bags.length} patients (${bags.filter((b) => b.label === 1).length} malignant), ${cellsTotal} cells, ${unusable} images without a nucleus`);
  console.log(`${estimator.name}, ${(bags[0]!.handmade ?? bags[0]!.images)!.cols} values per cell; ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'})`);
  const ba: number[] = [];
  const auc: number[] = [];
  const cellsBa: number[] = [];
  const seconds: number[] = [];
  const gateByClass: [number[], number[]] = [[], []];
  for (const seed of args.seeds) {
    const t0 = performance.now();
    const cv = await crossValidate(estimator, bags, { folds: 5, repeats: 1, seed });
    const s = (performance.now() - t0) / 1000;
    const oof = cv.repeats[0]!.outOfFold;
    const experts = oof.experts;
    const foldBa = (p: Float32Array | null | undefined): number =>
      p ? cv.folds.reduce((sum, f) => sum + balancedAccuracy(f.test.map((i) => bags[i]!.label!), f.test.map((i) => p[i]!)), 0) / cv.folds.length : NaN;
    const cb = foldBa(experts?.['cells'] ?? experts?.['image'] ?? experts?.['base']);
    const gate = oof.gate;
    let gateText = '';
    if (gate) {
      const byClass = [0, 1].map((y) => {
        const g = bags.map((b, i) => (b.label === y ? gate[i]! : NaN)).filter((x) => !Number.isNaN(x));
        return g.reduce((a, x) => a + x, 0) / g.length;
      });
      const all = Array.from(gate);
      const sd = Math.sqrt(all.reduce((a, x) => a + (x - all.reduce((m, v) => m + v, 0) / all.length) ** 2, 0) / (all.length - 1));
      gateByClass[0].push(byClass[0]!);
      gateByClass[1].push(byClass[1]!);
      gateText = `, π reactive ${byClass[0]!.toFixed(3)} malignant ${byClass[1]!.toFixed(3)} (sd over patients ${sd.toFixed(3)})`;
    }
    ba.push(cv.mean.balancedAccuracy);
    auc.push(cv.mean.auc);
    cellsBa.push(cb);
    seconds.push(s);
    console.log(
      `reshuffle ${seed}: balanced accuracy ${cv.mean.balancedAccuracy.toFixed(3)}, AUC ${cv.mean.auc.toFixed(3)}, ` +
        `cells-only ${fixed(cb)}, metadata-only ${fixed(foldBa(experts?.['metadata']))}, ${s.toFixed(1)} s${gateText}`,
    );
  }
  console.log(
    `seeds ${args.seeds.join(',')}: balanced accuracy ${meanSd(ba)}, AUC ${meanSd(auc)}, cells-only ${cellsBa.every(Number.isNaN) ? '– (the model has no cells expert)' : meanSd(cellsBa)}, ` +
      `wall ${meanSd(seconds)} s per 5-fold run` +
      (gateByClass[0].length > 0 ? `, mean π reactive ${meanSd(gateByClass[0])}, malignant ${meanSd(gateByClass[1])}` : ''),
  );
  return 0;
}

runIfMain(import.meta.url, main);
