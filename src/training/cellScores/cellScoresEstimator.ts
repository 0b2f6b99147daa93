import {
  ArgumentError,
  checkOneOf,
  checkOptions,
  createProgressReporter,
  deriveSeed,
  optionalInteger,
  optionalNumber,
} from '../../core/index.js';
import type { PatientBag } from '../../models/index.js';
import { fitLogisticRegression, logisticRegressionModel, type LogisticRegressionModel } from '../baselines/index.js';
import type { BagPrediction, Estimator, EstimatorFitOptions, FittedModel, LossCurve } from '../estimator/index.js';
import { stratifiedKFold } from '../splits/index.js';
import type { CellMatrix } from './cellMatrix.js';
import { crossFitScores } from './crossFitScores.js';
import { gbdtInstanceLearner } from './fitGradientBoostedTrees.js';
import type { InstanceFitHistory, InstanceLearner, InstanceScorer, InstanceScorerState } from './instanceLearner.js';
import { averageScorer, instanceScorerFromState, scorerState } from './instanceScorerState.js';
import { CELL_POOLINGS, poolScores, type CellPooling, type PoolScoresOptions } from './poolScores.js';
import { sigmoid } from '../linear/logistic.js';

/** Options of {@link cellScoresEstimator}. */
export interface CellScoresOptions {
  /**
   * The per-cell model, or several: each is cross-fitted on the same inner folds, and the stacker sees the pooled
   * scores of every one of them side by side. Defaults to `gbdtInstanceLearner()` (100 trees of depth 3, the
   * configuration confirmed in docs/results.md).
   */
  readonly learner?: InstanceLearner | readonly InstanceLearner[];
  /** How each patient's cell scores are pooled (see {@link CellPooling}). Defaults to `'mean'`. */
  readonly pooling?: CellPooling;
  /** Quantile levels and top fraction of the pooling. Defaults to {@link poolScores}' defaults. */
  readonly poolOptions?: PoolScoresOptions;
  /**
   * Inner folds K ≥ 2 of the cross-fitting inside the training patients; fewer when a class of the training patients
   * is smaller than K (small cohorts), and at least 2 patients of each class are needed. Defaults to 5.
   */
  readonly innerFolds?: number;
  /** Inverse L2 strength C of the stacker (and of the two one-expert logistic regressions), balanced classes. Defaults to 1. */
  readonly stackerC?: number;
  /**
   * The per-cell model that scores new patients: `'refit'` fits it once more on all training patients;
   * `'innerAverage'` averages the logits of the K cross-fitted models (no extra fit). Defaults to `'refit'`.
   */
  readonly finalModel?: 'refit' | 'innerAverage';
  /** Whether the stacker sees age and log(1 + count) beside the pooled scores; `false` gives the cells-only expert. Defaults to `true`. */
  readonly useMetadata?: boolean;
}

/** The prediction of a fitted cell-scores expert. */
export interface CellScoresPrediction extends BagPrediction {
  /** `cells`: the pooled cell scores alone (logistic); `metadata`: age and log(1 + count) alone (logistic). */
  readonly experts: { readonly cells: Float32Array; readonly metadata: Float32Array };
  /**
   * `handmade`: per patient, each cell's probability σ(score) under the per-cell model (with several learners, σ of
   * their mean score): which cells drove the decision.
   */
  readonly attention: { readonly handmade: Float32Array[] };
}

/** Details of the estimator's training progress: the fit just done (`inner k` or `final`). */
export interface CellScoresProgressDetail {
  readonly step: string;
  readonly [key: string]: unknown;
}

const FN = 'cellScoresEstimator';

function checkBags(fn: string, bags: readonly PatientBag[], cols: number | null, needLabels: boolean): number {
  if (!Array.isArray(bags) || bags.length === 0) throw new ArgumentError(fn, 'bags', 'at least one patient', bags);
  let width = cols;
  for (const bag of bags) {
    const h = bag.handmade;
    if (h === undefined || h.rows < 1 || h.cols < 1 || h.data.length !== h.rows * h.cols) {
      throw new ArgumentError(fn, `bags (patient ${bag.id}).handmade`, 'an [M ≥ 1, F] matrix of M·F values', h);
    }
    if (width === null) width = h.cols;
    if (h.cols !== width) throw new ArgumentError(fn, `bags (patient ${bag.id}).handmade`, `${width} columns`, h.cols);
    for (let k = 0; k < h.data.length; k++) {
      if (!Number.isFinite(h.data[k])) {
        throw new ArgumentError(fn, `bags (patient ${bag.id}).handmade row ${Math.floor(k / h.cols)} column ${k % h.cols}`, 'a finite number', h.data[k]);
      }
    }
    if (!Number.isFinite(bag.age) || !Number.isFinite(bag.lymphCount) || bag.lymphCount < 0) {
      throw new ArgumentError(fn, `bags (patient ${bag.id})`, 'a finite age and lymphCount ≥ 0', `${bag.age}, ${bag.lymphCount}`);
    }
    if (needLabels && bag.label !== 0 && bag.label !== 1) throw new ArgumentError(fn, `bags (patient ${bag.id}).label`, '0 or 1', bag.label);
  }
  return width!;
}

function metadataOf(bag: PatientBag): number[] {
  return [bag.age, Math.log1p(bag.lymphCount)];
}

/**
 * The per-cell expert: a per-cell model learns from every cell, each carrying its patient's label (cells weighted
 * so that every patient counts equally and the classes balance, see {@link cellWeights}); each patient's cell
 * scores are pooled ({@link poolScores}); a second-level logistic regression (the stacker) combines the pooled
 * scores with the metadata (age, log(1 + lymphocyte count)). The per-cell model is cross-fitted inside the training
 * patients ({@link crossFitScores}, stratified inner folds), so the stacker learns from scores of patients the
 * per-cell model never saw, as it will at prediction time.
 *
 * The fitted model's `history` holds, per learner, the step-by-step mean of the inner fits' loss curves (validation:
 * each inner fold's held-out patients' cells) and, with `finalModel: 'refit'`, the final fit's (training only).
 *
 * Plain JavaScript (no tensors): `dispose` has nothing to free. Uses the bags' `handmade` matrices (any width F,
 * the same for every patient), `age` and `lymphCount`. On the dev cohort, with the 51 handmade features and the 17
 * texture descriptors per cell, the defaults reach 0.931 ± 0.012 balanced accuracy in 5-fold CV over the 25
 * reshuffles not used to choose them (docs/results.md).
 *
 * @param options - see {@link CellScoresOptions}
 * @returns an {@link Estimator} named `cell-scores(<learners>, <pooling>)`
 * @throws {ArgumentError} naming `cellScoresEstimator` and the option that is invalid
 * @example
 * const estimator = cellScoresEstimator({ learner: [gbdtInstanceLearner(), logisticInstanceLearner({ c: 0.1 })] });
 * const model = await estimator.fit(trainBags, { seed: 0 });
 * const { probability, experts, attention } = await model.predict(testBags);
 */
export function cellScoresEstimator(options: CellScoresOptions = {}): Estimator<CellScoresPrediction, CellScoresModel> {
  checkOptions(FN, options);
  const given = options.learner ?? gbdtInstanceLearner();
  const learners: readonly InstanceLearner[] = Array.isArray(given) ? given : [given as InstanceLearner];
  if (learners.length === 0 || !learners.every((l) => typeof l?.fit === 'function')) {
    throw new ArgumentError(FN, 'options.learner', 'an InstanceLearner or a non-empty array of them', given);
  }
  const pooling = checkOneOf(FN, 'options.pooling', options.pooling ?? 'mean', CELL_POOLINGS);
  const poolOptions = options.poolOptions ?? {};
  poolScores(Float64Array.of(0), pooling, poolOptions); // checks the pooling options now
  const maxInnerFolds = optionalInteger(FN, 'options.innerFolds', options.innerFolds, 5, { min: 2 });
  const stackerC = optionalNumber(FN, 'options.stackerC', options.stackerC, 1, { min: 0, minExclusive: true });
  const finalModel = checkOneOf(FN, 'options.finalModel', options.finalModel ?? 'refit', ['refit', 'innerAverage'] as const);
  const useMetadata = options.useMetadata ?? true;
  if (typeof useMetadata !== 'boolean') throw new ArgumentError(FN, 'options.useMetadata', 'true or false', useMetadata);

  return {
    name: `cell-scores(${learners.map((l) => l.name).join(' + ')}, ${pooling}${useMetadata ? '' : ', no metadata'})`,
    async fit(bags: readonly PatientBag[], fitOptions: EstimatorFitOptions): Promise<CellScoresModel> {
      const fn = `${FN}.fit`;
      const seed = fitOptions?.seed;
      if (!Number.isSafeInteger(seed)) throw new ArgumentError(fn, 'options.seed', 'an integer', seed);
      const cols = checkBags(fn, bags, null, true);
      const labels = bags.map((b) => b.label as 0 | 1);
      const positives = labels.reduce<number>((s, y) => s + y, 0);
      const minority = Math.min(positives, labels.length - positives);
      if (minority < 2) {
        throw new ArgumentError(fn, 'bags', 'at least 2 patients of each class (for the inner cross-fitting)', `${positives} malignant of ${labels.length}`);
      }
      const innerFolds = Math.min(maxInnerFolds, minority);
      const signal = fitOptions.signal;
      const checkAbort = (): void => {
        if (signal?.aborted) throw signal.reason ?? new Error(`${fn}: aborted`);
      };
      checkAbort();
      const total = learners.length * (innerFolds + (finalModel === 'refit' ? 1 : 0));
      const report = createProgressReporter<CellScoresProgressDetail>('training', total, fitOptions.onProgress);
      const cells: CellMatrix[] = bags.map((b) => b.handmade!);
      const folds = stratifiedKFold(labels, { nSplits: innerFolds, shuffle: true, seed: deriveSeed(seed, 1) % 2 ** 31 });
      // The fits are synchronous; crossFitScores calls back after each, where progress is reported.
      let done = 0;
      const everyone = [{ train: labels.map((_, i) => i), test: labels.map((_, i) => i) }];
      const scorers: InstanceScorer[] = [];
      const outOfFold: Float64Array[][] = [];
      const history: LossCurve[] = [];
      for (const [l, learner] of learners.entries()) {
        const crossFit = await crossFitScores(cells, labels, folds, learner, l === 0 ? deriveSeed(seed, 2) : deriveSeed(seed, 2, l), (k) => {
          report(++done, { step: `${learner.name}: inner ${k + 1}/${innerFolds}` });
          checkAbort();
        });
        outOfFold.push(crossFit.scores);
        const inner = meanOfFits(`${learner.name}: inner folds (mean of ${innerFolds})`, crossFit.histories);
        if (inner !== null) history.push(inner);
        if (finalModel === 'refit') {
          const final = await crossFitScores(cells, labels, everyone, learner, l === 0 ? deriveSeed(seed, 3) : deriveSeed(seed, 3, l));
          scorers.push(final.scorers[0]!);
          const refit = final.histories[0];
          if (refit !== null && refit !== undefined) history.push({ name: `${learner.name}: final`, ...refit });
          report(++done, { step: `${learner.name}: final` });
          checkAbort();
        } else {
          scorers.push(averageScorer(crossFit.scorers));
        }
      }
      const poolAll = (perLearner: readonly Float64Array[]): number[] => poolLearners(perLearner, pooling, poolOptions);
      const pooled = bags.map((_, i) => poolAll(outOfFold.map((scores) => scores[i]!)));
      const stackRows = bags.map((b, i) => (useMetadata ? [...pooled[i]!, ...metadataOf(b)] : pooled[i]!));
      const stacker = fitLogisticRegression(stackRows, labels, { c: stackerC });
      const cellsOnly: LogisticRegressionModel = useMetadata ? fitLogisticRegression(pooled, labels, { c: stackerC }) : stacker;
      const metadataOnly = fitLogisticRegression(bags.map(metadataOf), labels, { c: stackerC });

      return cellScoresModel({ cols, pooling, poolOptions, useMetadata, scorers, stacker, cellsOnly, metadataOnly, history });
    },
  };
}

/**
 * The step-by-step mean of the inner fits' curves (`null` when a fit recorded none). A curve shorter than the
 * longest (a Newton fit that converged sooner) holds its last value, where its fit stopped.
 */
function meanOfFits(name: string, histories: readonly (InstanceFitHistory | null)[]): LossCurve | null {
  if (histories.length === 0 || histories.some((h) => h === null || h.train.length === 0)) return null;
  const fits = histories as readonly InstanceFitHistory[];
  const steps = Math.max(...fits.map((h) => h.train.length));
  const mean = (pick: (h: InstanceFitHistory) => readonly number[]): number[] =>
    Array.from({ length: steps }, (_, s) => fits.reduce((sum, h) => sum + pick(h)[Math.min(s, pick(h).length - 1)]!, 0) / fits.length);
  const validated = fits.every((h) => h.validation !== null && h.validation.length === h.train.length);
  return {
    name,
    unit: fits[0]!.unit,
    loss: fits[0]!.loss,
    train: mean((h) => h.train),
    validation: validated ? mean((h) => h.validation!) : null,
  };
}

function poolLearners(perLearner: readonly Float64Array[], pooling: CellPooling, poolOptions: PoolScoresOptions): number[] {
  return perLearner.flatMap((s) => poolScores(s, pooling, poolOptions));
}

/** What a fitted cell-scores expert is made of. */
interface CellScoresParts {
  readonly cols: number;
  readonly pooling: CellPooling;
  readonly poolOptions: PoolScoresOptions;
  readonly useMetadata: boolean;
  readonly scorers: readonly InstanceScorer[];
  readonly stacker: LogisticRegressionModel;
  readonly cellsOnly: LogisticRegressionModel;
  readonly metadataOnly: LogisticRegressionModel;
  /** The per-cell fits' loss curves (a fit's, not a restored model's). */
  readonly history?: readonly LossCurve[];
}

/** The parameters of a logistic regression as plain JSON. */
type LogisticJson = { coefficients: number[]; intercept: number; mean: number[]; scale: number[]; iterations: number; converged: boolean };

/** A fitted cell-scores expert as plain JSON (what a saved model holds); {@link cellScoresModelFromState} restores it. */
export interface CellScoresState {
  readonly format: 'lymphomix-cell-scores';
  readonly version: 1;
  readonly cols: number;
  readonly pooling: CellPooling;
  readonly poolOptions: PoolScoresOptions;
  readonly useMetadata: boolean;
  readonly scorers: InstanceScorerState[];
  readonly stacker: LogisticJson;
  readonly cellsOnly: LogisticJson;
  readonly metadataOnly: LogisticJson;
}

/** A fitted {@link cellScoresEstimator}: predicts bags, and gives its {@link CellScoresState} for saving. */
export interface CellScoresModel extends FittedModel<CellScoresPrediction> {
  /** The model as plain JSON. */
  state(): CellScoresState;
}

function logisticJson(m: LogisticRegressionModel): LogisticJson {
  return { coefficients: [...m.coefficients], intercept: m.intercept, mean: [...m.mean], scale: [...m.scale], iterations: m.iterations, converged: m.converged };
}

function logisticFromJson(fn: string, name: string, j: LogisticJson): LogisticRegressionModel {
  if (typeof j !== 'object' || j === null) throw new ArgumentError(fn, name, 'logistic-regression parameters', j);
  const arrays = { coefficients: j.coefficients, mean: j.mean, scale: j.scale };
  for (const [key, value] of Object.entries(arrays)) {
    if (!Array.isArray(value)) throw new ArgumentError(fn, `${name}.${key}`, 'an array of numbers', value);
  }
  return logisticRegressionModel({
    coefficients: Float64Array.from(j.coefficients),
    intercept: j.intercept,
    mean: Float64Array.from(j.mean),
    scale: Float64Array.from(j.scale),
    iterations: j.iterations,
    converged: j.converged,
  });
}

function cellScoresModel(parts: CellScoresParts): CellScoresModel {
  const { cols, pooling, poolOptions, useMetadata, scorers, stacker, cellsOnly, metadataOnly, history } = parts;
  return {
    ...(history === undefined ? {} : { history }),
    async predict(test: readonly PatientBag[]): Promise<CellScoresPrediction> {
      checkBags(`${FN} model.predict`, test, cols, false);
      const scores = test.map((b) => scorers.map((scorer) => scorer.score(b.handmade!)));
      const testPooled = scores.map((perLearner) => poolLearners(perLearner, pooling, poolOptions));
      const rows = test.map((b, i) => (useMetadata ? [...testPooled[i]!, ...metadataOf(b)] : testPooled[i]!));
      return {
        probability: Float32Array.from(stacker.predictProbability(rows)),
        experts: {
          cells: Float32Array.from(cellsOnly.predictProbability(testPooled)),
          metadata: Float32Array.from(metadataOnly.predictProbability(test.map(metadataOf))),
        },
        attention: {
          handmade: scores.map((perLearner) =>
            Float32Array.from(perLearner[0]!, (_, i) => sigmoid(perLearner.reduce((sum, z) => sum + z[i]!, 0) / perLearner.length)),
          ),
        },
      };
    },
    dispose(): void {},
    state: () => ({
      format: 'lymphomix-cell-scores',
      version: 1,
      cols,
      pooling,
      poolOptions,
      useMetadata,
      scorers: scorers.map((s) => scorerState(s)),
      stacker: logisticJson(stacker),
      cellsOnly: logisticJson(cellsOnly),
      metadataOnly: logisticJson(metadataOnly),
    }),
  };
}

/**
 * The fitted cell-scores expert a saved {@link CellScoresState} describes, predicting exactly as the fitted one did.
 *
 * @param state - The state (e.g. `JSON.parse` of a saved file).
 * @returns The model.
 * @throws {ArgumentError} naming the field of a malformed state.
 */
export function cellScoresModelFromState(state: CellScoresState): CellScoresModel {
  const fn = 'cellScoresModelFromState';
  if (typeof state !== 'object' || state === null || state.format !== 'lymphomix-cell-scores') {
    throw new ArgumentError(fn, 'state.format', "'lymphomix-cell-scores'", (state as { format?: unknown } | null)?.format);
  }
  if (state.version !== 1) throw new ArgumentError(fn, 'state.version', '1', state.version);
  if (!Number.isInteger(state.cols) || state.cols < 1) throw new ArgumentError(fn, 'state.cols', 'an integer ≥ 1', state.cols);
  const pooling = checkOneOf(fn, 'state.pooling', state.pooling, CELL_POOLINGS);
  poolScores(Float64Array.of(0), pooling, state.poolOptions ?? {});
  if (typeof state.useMetadata !== 'boolean') throw new ArgumentError(fn, 'state.useMetadata', 'true or false', state.useMetadata);
  if (!Array.isArray(state.scorers) || state.scorers.length === 0) throw new ArgumentError(fn, 'state.scorers', 'a non-empty array', state.scorers);
  return cellScoresModel({
    cols: state.cols,
    pooling,
    poolOptions: state.poolOptions ?? {},
    useMetadata: state.useMetadata,
    scorers: state.scorers.map((s) => instanceScorerFromState(s)),
    stacker: logisticFromJson(fn, 'state.stacker', state.stacker),
    cellsOnly: logisticFromJson(fn, 'state.cellsOnly', state.cellsOnly),
    metadataOnly: logisticFromJson(fn, 'state.metadataOnly', state.metadataOnly),
  });
}
