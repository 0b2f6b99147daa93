import { loadMixtureEnsemble, type MixtureOfExpertsConfig } from '../models/index.js';
import { ArgumentError } from '../core/index.js';
import {
  cellScoresEstimator,
  cellScoresModelFromState,
  fittedLogisticRegression,
  gbdtInstanceLearner,
  logisticInstanceLearner,
  mlpInstanceLearner,
  type CellScoresOptions,
  type CellScoresState,
  type FittedModel,
  type InstanceLearner,
  logisticRegressionEstimator,
  logisticRegressionModel,
  mixtureOfExpertsEstimator,
  type FittedLogisticRegression,
  type LogisticRegressionEstimatorOptions,
  type LogisticRegressionInput,
  type MixtureOfExpertsEstimatorOptions,
  cellScoresMixtureEstimator,
  loadCellScoresMixture,
  type CellScoresMixtureOptions,
} from '../training/index.js';
import type { EstimatorKind, SavableModel } from './estimatorRegistry.js';

const LOGISTIC_FILE = 'logistic-regression.json';

/** A fitted model that saves itself as one JSON file in its folder. */
function savedAsJson<M extends FittedModel>(model: M, file: string, json: () => unknown): SavableModel & M {
  return {
    ...model,
    predict: model.predict.bind(model),
    dispose: model.dispose.bind(model),
    async save(dir: string): Promise<void> {
      const [{ mkdir }, { join }, { atomicWriteFile }] = await Promise.all([import('node:fs/promises'), import('node:path'), import('../io/bytes/index.js')]);
      await mkdir(dir, { recursive: true });
      await atomicWriteFile(join(dir, file), `${JSON.stringify(json())}\n`);
    },
  };
}

/** A fitted logistic regression that saves its parameters as JSON. */
function savableLogistic(model: FittedLogisticRegression): SavableModel & FittedLogisticRegression {
  const r = model.regression;
  return savedAsJson(model, LOGISTIC_FILE, () => ({
    inputs: model.inputs,
    coefficients: [...r.coefficients],
    intercept: r.intercept,
    mean: [...r.mean],
    scale: [...r.scale],
    iterations: r.iterations,
    converged: r.converged,
  }));
}

const CELL_SCORES_FILE = 'cell-scores.json';

/** A per-cell model of the `'cell-scores'` kind's options (JSON). */
export interface CellLearnerConfig {
  /** `'gbdt'` (boosted trees), `'logistic'` (weighted logistic regression) or `'mlp'` (one hidden layer). */
  readonly kind: 'gbdt' | 'logistic' | 'mlp';
  /** The learner's options (`GradientBoostedTreesOptions`, `WeightedLogisticOptions`, `CellMlpOptions`). Defaults to `{}`. */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** The options of the `'cell-scores'` kind in a pipeline configuration (JSON): `cellScoresEstimator`'s, with learners by name. */
export interface CellScoresKindOptions extends Omit<CellScoresOptions, 'learner'> {
  /** The per-cell models, side by side. Defaults to `[{ kind: 'gbdt' }]`. */
  readonly learners?: readonly CellLearnerConfig[];
}

function cellLearner(config: CellLearnerConfig, i: number): InstanceLearner {
  const options = config?.options ?? {};
  switch (config?.kind) {
    case 'gbdt':
      return gbdtInstanceLearner(options);
    case 'logistic':
      return logisticInstanceLearner(options);
    case 'mlp':
      return mlpInstanceLearner(options);
    default:
      throw new ArgumentError('LymphocytosisPipeline', `config.model.options.learners[${i}].kind`, "'gbdt', 'logistic' or 'mlp'", config?.kind);
  }
}

async function readJson(dir: string, file: string): Promise<unknown> {
  const location = /^[a-z]+:/i.test(dir) ? new URL(file, dir.endsWith('/') ? dir : `${dir}/`).href : `${dir.replace(/[\\/]+$/, '')}/${file}`;
  if (/^(https?|blob|data):/i.test(location)) return (await fetch(location)).json();
  const { readFile } = await import('node:fs/promises');
  return JSON.parse(await readFile(location.startsWith('file:') ? new URL(location) : location, 'utf8'));
}

/** The options of the `'mixture-of-experts'` kind in a pipeline configuration (JSON). */
export interface MixtureKindOptions {
  /** The model's configuration; `handmadeDim` defaults to the pipeline's number of feature columns. Defaults to `{}`. */
  readonly mixture?: MixtureOfExpertsConfig;
  /** Training options (epochs, batch size, learning rate, l2, …). Defaults to `fitMixtureOfExperts`' defaults. */
  readonly fit?: Omit<MixtureOfExpertsEstimatorOptions, 'validationFraction' | 'modelsPerFold'>;
  /** Held-out fraction of the training patients for the plateau and early stopping. Defaults to `0.2`. */
  readonly validationFraction?: number;
  /** Models per fit, averaged. Defaults to `1`. */
  readonly modelsPerFold?: number;
}

/** The options of the `'cell-scores-mixture'` kind (JSON): `cellScoresMixtureEstimator`'s, with learners by name. */
export interface CellScoresMixtureKindOptions extends Omit<CellScoresMixtureOptions, 'learner' | 'cache'> {
  /** The per-cell models, one score column each. Defaults to `[{ kind: 'gbdt' }]`. */
  readonly learners?: readonly CellLearnerConfig[];
}

/** The model kinds every pipeline knows, by name (the registry starts with them; `registerEstimator` adds more). */
export const BUILTIN_ESTIMATORS: Readonly<Record<string, EstimatorKind>> = {
  'mixture-of-experts': {
    create: (options, context) => {
      const o = options as MixtureKindOptions;
      // The handmade branch takes the pipeline's feature columns unless the configuration says otherwise.
      const mixture = { ...(context.featureNames.length > 0 ? { handmadeDim: context.featureNames.length } : {}), ...o.mixture };
      return mixtureOfExpertsEstimator(mixture, {
        ...o.fit,
        ...(o.validationFraction === undefined ? {} : { validationFraction: o.validationFraction }),
        ...(o.modelsPerFold === undefined ? {} : { modelsPerFold: o.modelsPerFold }),
      });
    },
    load: (dir) => loadMixtureEnsemble(dir),
  },
  'logistic-regression': {
    create: (options) => {
      const estimator = logisticRegressionEstimator(options as LogisticRegressionEstimatorOptions);
      return { name: estimator.name, fit: async (bags, fit) => savableLogistic(await estimator.fit(bags, fit)) };
    },
    load: async (dir) => {
      const p = (await readJson(dir, LOGISTIC_FILE)) as {
        inputs: LogisticRegressionInput[];
        coefficients: number[];
        intercept: number;
        mean: number[];
        scale: number[];
        iterations: number;
        converged: boolean;
      };
      const regression = logisticRegressionModel({
        coefficients: Float64Array.from(p.coefficients),
        intercept: p.intercept,
        mean: Float64Array.from(p.mean),
        scale: Float64Array.from(p.scale),
        iterations: p.iterations,
        converged: p.converged,
      });
      return savableLogistic(fittedLogisticRegression(regression, p.inputs));
    },
  },
  'cell-scores-mixture': {
    create: (options) => {
      const { learners = [{ kind: 'gbdt' }], ...rest } = options as CellScoresMixtureKindOptions;
      if (!Array.isArray(learners) || learners.length === 0) {
        throw new ArgumentError('LymphocytosisPipeline', 'config.model.options.learners', 'a non-empty array of { kind, options }', learners);
      }
      return cellScoresMixtureEstimator({ ...rest, learner: learners.map(cellLearner) });
    },
    load: (dir) => loadCellScoresMixture(dir),
  },
  'cell-scores': {
    create: (options) => {
      const { learners = [{ kind: 'gbdt' }], ...rest } = options as CellScoresKindOptions;
      if (!Array.isArray(learners) || learners.length === 0) {
        throw new ArgumentError('LymphocytosisPipeline', 'config.model.options.learners', 'a non-empty array of { kind, options }', learners);
      }
      const estimator = cellScoresEstimator({ ...rest, learner: learners.map(cellLearner) });
      return {
        name: estimator.name,
        fit: async (bags, fit) => {
          const model = await estimator.fit(bags, fit);
          return savedAsJson(model, CELL_SCORES_FILE, () => model.state());
        },
      };
    },
    load: async (dir) => {
      const model = cellScoresModelFromState((await readJson(dir, CELL_SCORES_FILE)) as CellScoresState);
      return savedAsJson(model, CELL_SCORES_FILE, () => model.state());
    },
  },
};
