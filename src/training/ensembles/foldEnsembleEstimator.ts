import { ArgumentError, checkOptions, deriveSeed, optionalInteger } from '../../core/index.js';
import type { PatientBag } from '../../models/index.js';
import type { BagPrediction, Estimator, EstimatorFitOptions, FittedModel } from '../estimator/index.js';
import { stratifiedKFold } from '../splits/index.js';
import { disposeAll, ensembleModel, type EnsembleModel } from './ensembleModel.js';

/** Options of {@link foldEnsembleEstimator}. */
export interface FoldEnsembleOptions {
  /** Folds K ≥ 2: K members, each fitted on the patients outside one stratified fold ((K − 1)/K of them). Defaults to `5`. */
  readonly folds?: number;
}

const FN = 'foldEnsembleEstimator';

/**
 * A fold ensemble of any estimator: `fit` splits the training patients into K stratified folds and fits the
 * estimator K times, each time on all patients but one fold (seed `deriveSeed(seed, k)`); the model predicts the
 * mean of the K members ({@link averagePredictions}: probability, gate π, experts, count). The usual alternative to
 * one model refitted on all patients: every member sees (K − 1)/K of them, and averaging lowers the variance.
 *
 * @param estimator - The estimator to ensemble.
 * @param options - See {@link FoldEnsembleOptions}; checked now.
 * @returns An estimator named `fold-ensemble(K × <name>)`.
 * @throws {ArgumentError} naming `foldEnsembleEstimator` and the option; at fit time when a class has fewer than K
 *   patients.
 * @example
 * const estimator = foldEnsembleEstimator(cellScoresEstimator(), { folds: 5 });
 * const cv = await crossValidate(estimator, bags, { folds: 5, seed: 0 });
 */
export function foldEnsembleEstimator<M extends FittedModel>(estimator: Estimator<BagPrediction, M>, options: FoldEnsembleOptions = {}): Estimator<BagPrediction, EnsembleModel<M>> {
  checkOptions(FN, options);
  if (typeof estimator?.fit !== 'function') throw new ArgumentError(FN, 'estimator', 'an Estimator', estimator);
  const folds = optionalInteger(FN, 'options.folds', options.folds, 5, { min: 2 });
  return {
    name: `fold-ensemble(${folds} × ${estimator.name})`,
    async fit(bags: readonly PatientBag[], fit: EstimatorFitOptions): Promise<EnsembleModel<M>> {
      const labels = bags.map((b, i) => {
        if (b?.label !== 0 && b?.label !== 1) throw new ArgumentError(`${FN}.fit`, `bags[${i}] (patient ${b?.id}).label`, '0 or 1', b?.label);
        return b.label;
      });
      for (const y of [0, 1]) {
        const count = labels.filter((l) => l === y).length;
        if (count < folds) throw new ArgumentError(`${FN}.fit`, 'bags', `at least ${folds} patients of each class (folds)`, `${count} of class ${y}`);
      }
      const splits = stratifiedKFold(labels, { nSplits: folds, shuffle: true, seed: deriveSeed(fit.seed, 0) % 2 ** 31 });
      const members: M[] = [];
      try {
        for (const [k, split] of splits.entries()) {
          if (fit.signal?.aborted) throw fit.signal.reason ?? new Error(`${FN}.fit: aborted`);
          members.push(await estimator.fit(split.train.map((i) => bags[i]!), { ...fit, seed: deriveSeed(fit.seed, 1, k) }));
        }
      } catch (error) {
        disposeAll(members);
        throw error;
      }
      return ensembleModel(members);
    },
  };
}
