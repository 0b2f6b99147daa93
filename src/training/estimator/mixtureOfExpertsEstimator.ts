import { ensureBackend } from '../../backend/index.js';
import { ArgumentError, checkOptions, deriveSeed, optionalInteger, optionalNumber } from '../../core/index.js';
import { MixtureEnsemble, MixtureOfExperts, resolveMixtureConfig, type EnsemblePrediction, type MixtureOfExpertsConfig, type PatientBag } from '../../models/index.js';
import { fitMixtureOfExperts, resolveFitOptions, type FitOptions } from '../fit/index.js';
import { stratifiedTrainTestSplit } from '../splits/index.js';
import type { Estimator, EstimatorFitOptions } from './estimator.js';
import type { LossCurve } from './lossCurve.js';

/** Training options of {@link mixtureOfExpertsEstimator}: those of `fitMixtureOfExperts`, plus the inner split and the members. */
export interface MixtureOfExpertsEstimatorOptions extends Omit<FitOptions, 'validation' | 'seed' | 'onProgress' | 'signal'> {
  /**
   * Fraction of the training patients held out (stratified) for the learning-rate plateau and early stopping, in
   * [0, 1); `0` monitors the training loss. Defaults to `0.2`.
   */
  readonly validationFraction?: number;
  /**
   * Models trained from different initialisations (seeds) on the same patients, their outputs averaged: an
   * ensemble that lowers the variance of small-cohort training. An integer ≥ 1. Defaults to `1`.
   */
  readonly modelsPerFold?: number;
}

/** The `detail` of the training progress events of {@link mixtureOfExpertsEstimator}: the epoch, and which member. */
export interface MixtureTrainingDetail {
  readonly epoch: number;
  readonly loss: number;
  readonly validationLoss: number | null;
  readonly learningRate: number;
  readonly steps: number;
  /** 0-based member (model) of the fit. */
  readonly member: number;
  /** Members in the fit. */
  readonly members: number;
}

const FN = 'mixtureOfExpertsEstimator';

/**
 * The mixture of experts as an {@link Estimator}: its `fit` standardises and trains `modelsPerFold` models
 * ({@link fitMixtureOfExperts}) on the patients it is given (minus a stratified inner validation part that drives
 * the plateau and early stopping) and returns them as a `MixtureEnsemble` (which predicts π, each expert, the count
 * and attention, and saves) with each member's per-epoch training and validation loss in its `history`. Every seed
 * derives from the fit's seed (`deriveSeed`): the inner split, each member's initialisation (combined with
 * `config.seed`) and its shuffling.
 *
 * @param config - The model's configuration (see `MixtureOfExpertsConfig`); checked now.
 * @param options - See {@link MixtureOfExpertsEstimatorOptions}; checked now.
 * @returns The estimator, e.g. for `crossValidate`.
 * @throws {ArgumentError} naming `mixtureOfExpertsEstimator` and the option out of range.
 * @example
 * ```ts
 * const estimator = mixtureOfExpertsEstimator({ experts: ['scalar'], handmadeDim: 51 }, { epochs: 100, validationFraction: 0 });
 * const cv = await crossValidate(estimator, bags, { folds: 5, repeats: 5, seed: 0 });
 * ```
 */
export function mixtureOfExpertsEstimator(
  config: MixtureOfExpertsConfig = {},
  options: MixtureOfExpertsEstimatorOptions = {},
): Estimator<EnsemblePrediction, MixtureEnsemble & { readonly history: LossCurve[] }> {
  checkOptions(FN, config, 'config');
  checkOptions(FN, options);
  const resolvedConfig = resolveMixtureConfig(config);
  const { validationFraction: vf, modelsPerFold: mpf, ...fitOptions } = options;
  resolveFitOptions(fitOptions, FN);
  const validationFraction = optionalNumber(FN, 'validationFraction', vf, 0.2, { min: 0, max: 1, maxExclusive: true });
  const modelsPerFold = optionalInteger(FN, 'modelsPerFold', mpf, 1, { min: 1 });
  const lossName = `weighted BCE${resolvedConfig.multitask ? ' + λ·NMSE of the count' : ''}${(fitOptions.l2 ?? 0) > 0 ? ' (train: + L2 penalty)' : ''}; train: mean over the epoch's mini-batches`;
  return {
    name: 'mixture-of-experts',
    async fit(bags: readonly PatientBag[], fit: EstimatorFitOptions): Promise<MixtureEnsemble & { readonly history: LossCurve[] }> {
      await ensureBackend(); // the models' weights are made on the library's default backend, not tfjs's cpu fallback
      const seed = fit.seed;
      let train: readonly PatientBag[] = bags;
      let validation: PatientBag[] | undefined;
      if (validationFraction > 0) {
        const labels = bags.map((b) => b.label);
        for (const label of [0, 1] as const) {
          const count = labels.filter((l) => l === label).length;
          if (count < 2) {
            throw new ArgumentError(FN, 'validationFraction', `0 when a class has fewer than 2 training patients (class ${label} has ${count})`, validationFraction);
          }
        }
        const split = stratifiedTrainTestSplit(labels, { testSize: validationFraction, seed: deriveSeed(seed, 0) });
        train = split.train.map((i) => bags[i] as PatientBag);
        validation = split.test.map((i) => bags[i] as PatientBag);
      }
      const members: MixtureOfExperts[] = [];
      const history: LossCurve[] = [];
      try {
        for (let member = 0; member < modelsPerFold; member++) {
          const model = new MixtureOfExperts({ ...resolvedConfig, seed: deriveSeed(seed, 1, member, resolvedConfig.seed) });
          members.push(model);
          const { epochs } = await fitMixtureOfExperts(model, train, {
            ...fitOptions,
            ...(validation === undefined ? {} : { validation }),
            ...(fit.signal === undefined ? {} : { signal: fit.signal }),
            seed: deriveSeed(seed, 2, member),
            onProgress: (event) => fit.onProgress?.({ ...event, detail: { ...event.detail, member, members: modelsPerFold } satisfies MixtureTrainingDetail }),
          });
          history.push({
            name: `member ${member}`,
            unit: 'epoch',
            loss: lossName,
            train: epochs.map((e) => e.loss),
            validation: validation === undefined ? null : epochs.map((e) => e.validationLoss ?? Number.NaN),
          });
        }
      } catch (error) {
        for (const m of members) m.dispose();
        throw error;
      }
      // The ensemble (a models-layer class) carries the curves as an own property; the pipeline's wrappers copy it.
      return Object.assign(new MixtureEnsemble(members), { history });
    },
  };
}
