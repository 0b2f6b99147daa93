import { loadMixtureEnsemble, type MixtureOfExpertsConfig } from '../models/index.js';
import { mixtureOfExpertsEstimator, type MixtureOfExpertsEstimatorOptions } from '../training/index.js';
import type { EstimatorKind } from './estimatorRegistry.js';

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
};
