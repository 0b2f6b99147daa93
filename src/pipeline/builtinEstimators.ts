import { loadMixtureEnsemble, type MixtureOfExpertsConfig } from '../models/index.js';
import {
  fittedLogisticRegression,
  logisticRegressionEstimator,
  logisticRegressionModel,
  mixtureOfExpertsEstimator,
  type FittedLogisticRegression,
  type LogisticRegressionEstimatorOptions,
  type LogisticRegressionInput,
  type MixtureOfExpertsEstimatorOptions,
} from '../training/index.js';
import type { EstimatorKind, SavableModel } from './estimatorRegistry.js';

const LOGISTIC_FILE = 'logistic-regression.json';

/** A fitted logistic regression that saves its parameters as JSON. */
function savableLogistic(model: FittedLogisticRegression): SavableModel & FittedLogisticRegression {
  return {
    ...model,
    async save(dir: string): Promise<void> {
      const [{ mkdir }, { join }, { atomicWriteFile }] = await Promise.all([import('node:fs/promises'), import('node:path'), import('../io/bytes/index.js')]);
      await mkdir(dir, { recursive: true });
      const r = model.regression;
      const json = { inputs: model.inputs, coefficients: [...r.coefficients], intercept: r.intercept, mean: [...r.mean], scale: [...r.scale], iterations: r.iterations, converged: r.converged };
      await atomicWriteFile(join(dir, LOGISTIC_FILE), `${JSON.stringify(json)}\n`);
    },
  };
}

async function readJson(dir: string, file: string): Promise<unknown> {
  const location = /^[a-z]+:/i.test(dir) ? new URL(file, dir.endsWith('/') ? dir : `${dir}/`).href : `${dir.replace(/[\\/]+$/, '')}/${file}`;
  if (/^(https?|blob|data):/i.test(location)) return (await fetch(location)).json();
  const { readFile } = await import('node:fs/promises');
  return JSON.parse(await readFile(location.startsWith('file:') ? new URL(location) : location, 'utf8'));
}

/** The options of the `'mixture-of-experts'` kind in a pipeline configuration (JSON). */
export interface MixtureKindOptions {
  /** The model's configuration. Defaults to `{}`. */
  readonly mixture?: MixtureOfExpertsConfig;
  /** Training options (epochs, batch size, learning rate, l2, …). Defaults to `fitMixtureOfExperts`' defaults. */
  readonly fit?: Omit<MixtureOfExpertsEstimatorOptions, 'validationFraction' | 'modelsPerFold'>;
  /** Held-out fraction of the training patients for the plateau and early stopping. Defaults to `0.2`. */
  readonly validationFraction?: number;
  /** Models per fit, averaged. Defaults to `1`. */
  readonly modelsPerFold?: number;
}

/** The model kinds every pipeline knows, by name (the registry starts with them; `registerEstimator` adds more). */
export const BUILTIN_ESTIMATORS: Readonly<Record<string, EstimatorKind>> = {
  'mixture-of-experts': {
    create: (options) => {
      const o = options as MixtureKindOptions;
      return mixtureOfExpertsEstimator(o.mixture ?? {}, {
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
};
