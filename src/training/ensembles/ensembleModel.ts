import type { PatientBag } from '../../models/index.js';
import type { BagPrediction, FittedModel } from '../estimator/index.js';
import { averagePredictions } from './averagePredictions.js';

/** A fitted ensemble: its members' predictions averaged ({@link averagePredictions}). */
export interface EnsembleModel<M extends FittedModel = FittedModel> extends FittedModel<BagPrediction> {
  /** The fitted members (owned: `dispose` frees them). */
  readonly members: readonly M[];
}

/**
 * Wraps fitted models of the same inputs into one that predicts their mean.
 * @param members - At least one fitted model; the ensemble owns them.
 * @returns The ensemble.
 */
export function ensembleModel<M extends FittedModel>(members: readonly M[]): EnsembleModel<M> {
  return {
    members,
    async predict(bags: readonly PatientBag[]): Promise<BagPrediction> {
      const predictions: BagPrediction[] = [];
      for (const m of members) predictions.push(await m.predict(bags));
      return averagePredictions(predictions);
    },
    dispose(): void {
      for (const m of members) m.dispose();
    },
  };
}

/** Frees the members fitted so far when a later fit fails. */
export function disposeAll(members: readonly FittedModel[]): void {
  for (const m of members) {
    try {
      m.dispose();
    } catch {
      // keep freeing the others
    }
  }
}
