import { ArgumentError, checkBoolean, checkOptions, deriveSeed, optionalInteger, optionalNumber, seededRandom } from '../../core/index.js';
import type { PatientBag } from '../../models/index.js';
import type { BagPrediction, Estimator, EstimatorFitOptions, FittedModel } from '../estimator/index.js';
import { disposeAll, ensembleModel, type EnsembleModel } from './ensembleModel.js';

/** Options of {@link baggingEstimator}. */
export interface BaggingOptions {
  /** Members M ≥ 1. Defaults to `5`. */
  readonly members?: number;
  /**
   * Fraction of each class's patients drawn for a member, in (0, 1] without replacement, (0, ∞) with. Defaults to
   * `0.8`.
   */
  readonly fraction?: number;
  /**
   * Draw with replacement (the bootstrap). Defaults to `false`: a patient drawn twice would sit in both parts of an
   * inner split of a cross-fitting estimator (the cell-scores expert), whose stacker would then see leaked scores.
   */
  readonly replace?: boolean;
}

const FN = 'baggingEstimator';

/**
 * Bagging of any estimator at patient level: `fit` fits the estimator M times, each on a random draw of the training
 * patients, stratified (the same fraction of each class), with seed `deriveSeed(seed, 1, m)`; the model predicts the
 * members' mean ({@link averagePredictions}). Without replacement this is subagging.
 *
 * @param estimator - The estimator to bag.
 * @param options - See {@link BaggingOptions}; checked now.
 * @returns An estimator named `bagging(M × <name>, fraction f)`.
 * @throws {ArgumentError} naming `baggingEstimator` and the option; at fit time when a draw would hold fewer than 2
 *   patients of a class.
 * @example
 * const estimator = baggingEstimator(cellScoresEstimator(), { members: 5, fraction: 0.8 });
 */
export function baggingEstimator<M extends FittedModel>(estimator: Estimator<BagPrediction, M>, options: BaggingOptions = {}): Estimator<BagPrediction, EnsembleModel<M>> {
  checkOptions(FN, options);
  if (typeof estimator?.fit !== 'function') throw new ArgumentError(FN, 'estimator', 'an Estimator', estimator);
  const count = optionalInteger(FN, 'options.members', options.members, 5, { min: 1 });
  const replace = checkBoolean(FN, 'options.replace', options.replace ?? false);
  const fraction = optionalNumber(FN, 'options.fraction', options.fraction, 0.8, replace ? { min: 0, minExclusive: true } : { min: 0, max: 1, minExclusive: true });
  return {
    name: `bagging(${count} × ${estimator.name}, fraction ${fraction}${replace ? ', bootstrap' : ''})`,
    async fit(bags: readonly PatientBag[], fit: EstimatorFitOptions): Promise<EnsembleModel<M>> {
      const byClass: number[][] = [[], []];
      bags.forEach((b, i) => {
        if (b?.label !== 0 && b?.label !== 1) throw new ArgumentError(`${FN}.fit`, `bags[${i}] (patient ${b?.id}).label`, '0 or 1', b?.label);
        byClass[b.label]!.push(i);
      });
      const members: M[] = [];
      try {
        for (let m = 0; m < count; m++) {
          if (fit.signal?.aborted) throw fit.signal.reason ?? new Error(`${FN}.fit: aborted`);
          const rng = seededRandom(deriveSeed(fit.seed, 0, m));
          const drawn: number[] = [];
          for (const [y, members] of byClass.entries()) {
            const k = Math.round(fraction * members.length);
            if (k < 2) throw new ArgumentError(`${FN}.fit`, 'options.fraction', `a draw of at least 2 patients of class ${y}`, `${k} of ${members.length}`);
            if (replace) for (let j = 0; j < k; j++) drawn.push(members[Math.floor(rng.next() * members.length)]!);
            else {
              const pool = [...members];
              for (let j = 0; j < k; j++) {
                const r = j + Math.floor(rng.next() * (pool.length - j));
                [pool[j], pool[r]] = [pool[r]!, pool[j]!];
                drawn.push(pool[j]!);
              }
            }
          }
          drawn.sort((a, b) => a - b);
          members.push(await estimator.fit(drawn.map((i) => bags[i]!), { ...fit, seed: deriveSeed(fit.seed, 1, m) }));
        }
      } catch (error) {
        disposeAll(members);
        throw error;
      }
      return ensembleModel(members);
    },
  };
}
