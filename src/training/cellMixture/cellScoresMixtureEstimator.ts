import { ArgumentError, checkOneOf, checkOptions, deriveSeed } from '../../core/index.js';
import { loadMixtureEnsemble, MixtureEnsemble, MixtureOfExperts, type MixtureOfExpertsConfig, type PatientBag } from '../../models/index.js';
import { fitMixtureOfExperts } from '../fit/index.js';
import { gbdtInstanceLearner, instanceScorerFromState, type InstanceLearner, type InstanceScorerState } from '../cellScores/index.js';
import type { BagPrediction, Estimator, EstimatorFitOptions, FittedModel } from '../estimator/index.js';
import { mixtureOfExpertsEstimator, type MixtureOfExpertsEstimatorOptions } from '../estimator/index.js';
import { fitCellScoreStage, type CellScoreCache } from './cellScoreStage.js';

/**
 * The mixture's configuration with the per-cell scores as the image expert's instances: everything of
 * `MixtureOfExpertsConfig` except the input widths, which the estimator sets (`imageDim` = number of learners,
 * `handmadeDim` = 0: the scalar expert sees age and log count only).
 */
export type CellScoresMixtureConfig = Omit<MixtureOfExpertsConfig, 'imageDim' | 'handmadeDim'>;

/** Options of {@link cellScoresMixtureEstimator}. */
export interface CellScoresMixtureOptions {
  /** The per-cell model(s); one score column each. Defaults to `gbdtInstanceLearner()` (the pipeline's default). */
  readonly learner?: InstanceLearner | readonly InstanceLearner[];
  /** Inner folds of the cross-fitting of the per-cell model. Defaults to `5`. */
  readonly innerFolds?: number;
  /** Per-cell model for new patients: `'refit'` on all training patients or `'innerAverage'`. Defaults to `'refit'`. */
  readonly finalModel?: 'refit' | 'innerAverage';
  /**
   * The mixture. Defaults to a sigmoid gate on [age, log count, a learnt projection of the pooled scores] between the
   * cells expert (mean of the standardised cell scores → linear) and a linear metadata expert (`scalarUnits: 0`),
   * with the multitask count head: `{ experts: ['image', 'scalar'], combination: 'sigmoid', imageAggregator:
   * 'mean', standardizeImages: true, scalarUnits: 0, multitask: true }`; fields given replace these.
   */
  readonly mixture?: CellScoresMixtureConfig;
  /**
   * Training of the mixture (`mixtureOfExpertsEstimator`'s options). Defaults to `{ epochs: 100, batchSize: 8,
   * learningRate: 0.01, weightDecay: 0, l2: 0.01, validationFraction: 0 }` (a small model trained to convergence on
   * the training loss); fields given replace these.
   */
  readonly fit?: MixtureOfExpertsEstimatorOptions;
  /**
   * How the gated mixture is trained: `'joint'` trains experts and gate together on the mixture's loss (the report);
   * `'stagewise'` first fits each expert alone on its own loss, then copies them into the mixture, freezes them and
   * trains only the gate (and its projection of the pooled scores), so that each expert stays a classifier of its
   * own. Stagewise needs `fit.validationFraction: 0` and one model per fit; ignored without a gate. Defaults to
   * `'joint'`.
   */
  readonly training?: 'joint' | 'stagewise';
  /** Store of fitted per-cell stages shared between estimators (see {@link CellScoreCache}). Defaults to none. */
  readonly cache?: CellScoreCache;
}

/** The prediction of a fitted {@link cellScoresMixtureEstimator}. */
export interface CellScoresMixturePrediction extends BagPrediction {
  /** [B] gate weight π of the cells expert, `null` without a gate (one expert, or `combination: 'concat'`). */
  readonly gate: Float32Array | null;
  /** `cells`: the cells expert alone; `metadata`: the metadata expert alone (`null` for an absent expert). */
  readonly experts: { readonly cells: Float32Array | null; readonly metadata: Float32Array | null };
  /** [B] count of the multitask head (10⁹/L), `null` without it. */
  readonly lymphCount: Float32Array | null;
}

/** A fitted {@link cellScoresMixtureEstimator}; `save(dir)` writes the per-cell models and the mixture. */
export interface CellScoresMixtureModel extends FittedModel<CellScoresMixturePrediction> {
  /** The fitted mixture (members averaged). */
  readonly mixture: MixtureEnsemble;
  /** Writes `cell-scorers.json` and the mixture (subfolder `mixture`) into `dir` (Node). */
  save(dir: string): Promise<void>;
}

const FN = 'cellScoresMixtureEstimator';
const SCORERS_FILE = 'cell-scorers.json';

/** The default mixture of {@link cellScoresMixtureEstimator}. */
export const CELL_SCORES_MIXTURE_DEFAULTS: Readonly<CellScoresMixtureConfig> = {
  experts: ['image', 'scalar'],
  combination: 'sigmoid',
  imageAggregator: 'mean',
  standardizeImages: true,
  scalarUnits: 0,
  multitask: true,
};

/** The default training of {@link cellScoresMixtureEstimator}'s mixture. */
export const CELL_SCORES_MIXTURE_FIT_DEFAULTS: Readonly<MixtureOfExpertsEstimatorOptions> = {
  epochs: 100,
  batchSize: 8,
  learningRate: 0.01,
  weightDecay: 0,
  l2: 0.01,
  validationFraction: 0,
};

function modelOf(scorers: readonly InstanceScorerState[], cols: number, mixture: MixtureEnsemble): CellScoresMixtureModel {
  const restored = scorers.map((s) => instanceScorerFromState(s));
  const toBags = (bags: readonly PatientBag[]): PatientBag[] =>
    bags.map((b) => {
      const h = b.handmade;
      if (h === undefined || !(h.rows >= 1) || h.cols !== cols) {
        throw new ArgumentError(`${FN} model.predict`, `bags (patient ${b.id}).handmade`, `an [n ≥ 1, ${cols}] matrix`, h);
      }
      const perLearner = restored.map((s) => s.score(h));
      const data = new Float32Array(h.rows * perLearner.length);
      perLearner.forEach((z, l) => z.forEach((v, i) => (data[i * perLearner.length + l] = v)));
      return { id: b.id, label: b.label, age: b.age, lymphCount: b.lymphCount, images: { data, rows: h.rows, cols: perLearner.length } };
    });
  return {
    mixture,
    async predict(bags: readonly PatientBag[]): Promise<CellScoresMixturePrediction> {
      if (!Array.isArray(bags) || bags.length === 0) throw new ArgumentError(`${FN} model.predict`, 'bags', 'at least one patient', bags);
      const p = await mixture.predict(toBags(bags));
      return { probability: p.probability, gate: p.gate, experts: { cells: p.experts.image, metadata: p.experts.scalar }, lymphCount: p.lymphCount };
    },
    dispose: () => mixture.dispose(),
    async save(dir: string): Promise<void> {
      const [{ mkdir }, { join }, { atomicWriteFile }] = await Promise.all([import('node:fs/promises'), import('node:path'), import('../../io/bytes/index.js')]);
      await mkdir(dir, { recursive: true });
      await atomicWriteFile(join(dir, SCORERS_FILE), `${JSON.stringify({ format: 'lymphomix-cell-scorers', version: 1, cols, scorers })}\n`);
      await mixture.save(join(dir, 'mixture'));
    },
  };
}

/**
 * The mixture of experts on the per-cell expert's scores: a per-cell model (boosted trees by default) is
 * cross-fitted on the training patients ({@link fitCellScoreStage}), each patient becomes a bag of its cells'
 * out-of-fold scores, and the mixture of experts trains on these bags: its image expert pools the scores (the
 * configured aggregator, mean by default) into the cells expert, its scalar expert sees age and log(1 + count), and
 * the gate weighs the two per patient (π = the weight of the cells expert). New patients are scored by the final
 * per-cell model. Nothing leaks: the mixture never sees a score of a patient from a model trained on that patient.
 *
 * Variants through `mixture`: `combination: 'softmax'` (the parent paper's gate), `'concat'` (no gate: one linear
 * model on the pooled scores and metadata), `experts: ['image']` or `['scalar']` (one expert alone),
 * `multitask: false` (no count head), `gateInputs` (which controls the gate sees).
 *
 * @param options - See {@link CellScoresMixtureOptions}; checked now.
 * @returns An estimator named `cell-scores-mixture(<learners>, <combination>…)`; its models own tensors (dispose them).
 * @throws {ArgumentError} naming `cellScoresMixtureEstimator` and the option that is invalid.
 * @example
 * const estimator = cellScoresMixtureEstimator({ mixture: { combination: 'softmax', multitask: false } });
 * const cv = await crossValidate(estimator, bags, { folds: 5, repeats: 5, seed: 0 });
 * cv.repeats[0].outOfFold.gate; // π per patient
 */
export function cellScoresMixtureEstimator(options: CellScoresMixtureOptions = {}): Estimator<CellScoresMixturePrediction, CellScoresMixtureModel> {
  checkOptions(FN, options);
  const given = options.learner ?? gbdtInstanceLearner();
  const learners: readonly InstanceLearner[] = Array.isArray(given) ? given : [given as InstanceLearner];
  if (learners.length === 0 || !learners.every((l) => typeof l?.fit === 'function')) {
    throw new ArgumentError(FN, 'options.learner', 'an InstanceLearner or a non-empty array of them', given);
  }
  const mixtureGiven = checkOptions(FN, options.mixture ?? {}, 'options.mixture') as MixtureOfExpertsConfig;
  for (const key of ['imageDim', 'handmadeDim'] as const) {
    if (key in mixtureGiven) throw new ArgumentError(FN, `options.mixture.${key}`, 'left out (the estimator sets the input widths)', mixtureGiven[key]);
  }
  const mixtureConfig: MixtureOfExpertsConfig = { ...CELL_SCORES_MIXTURE_DEFAULTS, ...mixtureGiven, imageDim: learners.length, handmadeDim: 0 };
  const fitConfig = { ...CELL_SCORES_MIXTURE_FIT_DEFAULTS, ...checkOptions(FN, options.fit ?? {}, 'options.fit') };
  const inner = mixtureOfExpertsEstimator(mixtureConfig, fitConfig); // checks both now
  const stageOptions = {
    ...(options.innerFolds === undefined ? {} : { innerFolds: options.innerFolds }),
    ...(options.finalModel === undefined ? {} : { finalModel: options.finalModel }),
    ...(options.cache === undefined ? {} : { cache: options.cache }),
  };
  const experts = mixtureConfig.experts ?? ['image', 'scalar'];
  const variant = experts.length === 1 ? (experts[0] === 'image' ? 'cells only' : 'metadata only') : mixtureConfig.combination;
  const gated = experts.length === 2 && mixtureConfig.combination !== 'concat';
  const training = checkOneOf(FN, 'options.training', options.training ?? 'joint', ['joint', 'stagewise'] as const);
  const stagewise = training === 'stagewise' && gated;
  if (stagewise && ((fitConfig.validationFraction ?? 0) > 0 || (fitConfig.modelsPerFold ?? 1) > 1)) {
    throw new ArgumentError(FN, 'options.fit', "validationFraction 0 and modelsPerFold 1 with training 'stagewise'", `${fitConfig.validationFraction}, ${fitConfig.modelsPerFold}`);
  }
  const expertEstimators = stagewise
    ? (['image', 'scalar'] as const).map((e) => mixtureOfExpertsEstimator({ ...mixtureConfig, experts: [e], multitask: e === 'image' && mixtureConfig.multitask !== false }, fitConfig))
    : [];
  const { validationFraction: _vf, modelsPerFold: _mpf, ...gateFit } = fitConfig;
  const fitStagewise = async (train: readonly PatientBag[], fit: EstimatorFitOptions): Promise<MixtureEnsemble> => {
    const alone: MixtureEnsemble[] = [];
    const model = new MixtureOfExperts({ ...mixtureConfig, seed: deriveSeed(fit.seed, 1, 0, mixtureConfig.seed ?? 0) });
    try {
      for (const [k, e] of expertEstimators.entries()) alone.push(await e.fit(train, { ...fit, seed: deriveSeed(fit.seed, 20, k) }));
      const fitted = new Map(alone.flatMap((a) => a.members[0]!.namedWeights().filter((w) => !w.name.startsWith('metadata.')).map((w) => [w.name, w.variable] as const)));
      const frozen = model.namedWeights().filter((w) => fitted.has(w.name));
      for (const w of frozen) {
        w.variable.write(fitted.get(w.name)!.read());
        w.variable.trainable = false;
      }
      await fitMixtureOfExperts(model, train, { ...gateFit, seed: deriveSeed(fit.seed, 2, 0), ...(fit.signal === undefined ? {} : { signal: fit.signal }) });
      for (const w of frozen) w.variable.trainable = true;
    } catch (error) {
      model.dispose();
      throw error;
    } finally {
      for (const a of alone) a.dispose();
    }
    return new MixtureEnsemble([model]);
  };
  return {
    name: `cell-scores-mixture(${learners.map((l) => l.name).join(' + ')}, ${variant}${mixtureConfig.multitask === false ? '' : ', multitask'}${stagewise ? ', stagewise' : ''})`,
    async fit(bags: readonly PatientBag[], fit: EstimatorFitOptions): Promise<CellScoresMixtureModel> {
      const seed = fit?.seed;
      if (!Number.isSafeInteger(seed)) throw new ArgumentError(`${FN}.fit`, 'options.seed', 'an integer', seed);
      const stage = await fitCellScoreStage(bags, learners, { ...stageOptions, seed });
      if (fit.signal?.aborted) throw fit.signal.reason ?? new Error(`${FN}.fit: aborted`);
      const mixture = stagewise ? await fitStagewise(stage.trainBags, fit) : await inner.fit(stage.trainBags, fit);
      return modelOf(stage.state().scorers, bags[0]!.handmade!.cols, mixture);
    },
  };
}

/**
 * Restores a model that {@link CellScoresMixtureModel.save} wrote.
 * @param dir - The folder (Node path).
 * @returns The model, predicting as the saved one did.
 * @throws {ArgumentError} naming `loadCellScoresMixture` when `cell-scorers.json` is not such a file.
 */
export async function loadCellScoresMixture(dir: string): Promise<CellScoresMixtureModel> {
  const [{ readFile }, { join }] = await Promise.all([import('node:fs/promises'), import('node:path')]);
  const saved = JSON.parse(await readFile(join(dir, SCORERS_FILE), 'utf8')) as { format?: string; cols?: number; scorers?: InstanceScorerState[] };
  if (saved?.format !== 'lymphomix-cell-scorers' || !Array.isArray(saved.scorers) || !Number.isInteger(saved.cols)) {
    throw new ArgumentError('loadCellScoresMixture', `${SCORERS_FILE} in ${dir}`, 'a lymphomix-cell-scorers file', saved?.format);
  }
  return modelOf(saved.scorers, saved.cols!, await loadMixtureEnsemble(join(dir, 'mixture')));
}
