import { ArgumentError, deriveSeed } from '../../core/index.js';
import type { IndexSplit } from '../splits/index.js';
import { stackCells, type CellMatrix } from './cellMatrix.js';
import { cellWeights } from './cellWeights.js';
import type { InstanceFitHistory, InstanceLearner, InstanceScorer, InstanceValidation } from './instanceLearner.js';

/** Result of {@link crossFitScores}. */
export interface CrossFitResult {
  /** [P] per patient, the [nₚ] out-of-fold cell scores (from the one model that did not see that patient). */
  readonly scores: Float64Array[];
  /** The K fitted per-cell models, in fold order. */
  readonly scorers: InstanceScorer[];
  /**
   * Per fold, the fit's loss curve when the learner records one (`null` otherwise), with the held-out patients'
   * cells as validation when the fold's `test` part is disjoint from its `train` part.
   */
  readonly histories: (InstanceFitHistory | null)[];
}

/** The held-out patients' cells, weighted as {@link cellWeights} (each patient equally, classes balanced when both are there). */
function heldOut(cells: readonly CellMatrix[], labels: ArrayLike<number>, test: readonly number[]): InstanceValidation {
  const counts = test.map((i) => cells[i]!.rows);
  const testLabels = test.map((i) => labels[i]!);
  const both = testLabels.includes(0) && testLabels.includes(1);
  const weights = both ? cellWeights(counts, testLabels) : Float64Array.from(test.flatMap((i) => new Array<number>(cells[i]!.rows).fill(1 / cells[i]!.rows)));
  const cellLabels = Uint8Array.from(test.flatMap((i) => new Array<number>(cells[i]!.rows).fill(labels[i]!)));
  return { cells: stackCells(test.map((i) => cells[i]!)), labels: cellLabels, weights };
}

/**
 * Fits a per-cell model on the patients outside each fold and scores the cells of
 * the fold's held-out patients, so that no patient's cell scores come from a model trained on that patient's label.
 *
 * @param cells - [P] each patient's [nₚ, F] cells
 * @param labels - [P] 0 or 1 per patient
 * @param folds - splits whose `test` parts partition 0…P−1 (e.g. from `stratifiedKFold`); each `train` part holds both classes
 * @param learner - the per-cell learner; cells weigh as {@link cellWeights}
 * @param seed - seed of the fits (fold k fits with `deriveSeed(seed, k)`)
 * @param afterFit - called after each fold's fit (progress, abort checks: what it throws rejects the promise).
 *   Defaults to none.
 * @returns the out-of-fold scores per patient, the K models and their loss curves (validation: the fold's held-out
 *   patients' cells). The fits run one after another, and the event
 *   loop gets a turn after each (so an abort or a progress bar is not held up by the whole cross-fit).
 * @throws {ArgumentError} naming `crossFitScores` when the folds do not cover every patient exactly once
 */
export async function crossFitScores(
  cells: readonly CellMatrix[],
  labels: ArrayLike<number>,
  folds: readonly IndexSplit[],
  learner: InstanceLearner,
  seed: number,
  afterFit?: (fold: number) => void,
): Promise<CrossFitResult> {
  const p = cells.length;
  const scores: (Float64Array | undefined)[] = new Array<Float64Array | undefined>(p);
  const scorers: InstanceScorer[] = [];
  const histories: (InstanceFitHistory | null)[] = [];
  for (const [k, fold] of folds.entries()) {
    const train = fold.train;
    const trainCells = stackCells(train.map((i) => cells[i]!));
    const counts = train.map((i) => cells[i]!.rows);
    const trainLabels = train.map((i) => labels[i]!);
    const cellLabels = new Uint8Array(trainCells.rows);
    let row = 0;
    train.forEach((i, t) => {
      cellLabels.fill(trainLabels[t]!, row, row + counts[t]!);
      row += counts[t]!;
    });
    const inTrain = new Set(train);
    const validation = fold.test.length > 0 && fold.test.every((i) => !inTrain.has(i)) ? heldOut(cells, labels, fold.test) : undefined;
    const scorer = learner.fit(trainCells, cellLabels, cellWeights(counts, trainLabels), deriveSeed(seed, k), validation);
    scorers.push(scorer);
    histories.push(scorer.history ?? null);
    for (const i of fold.test) {
      if (scores[i] !== undefined) throw new ArgumentError('crossFitScores', 'folds', 'test parts that are disjoint', `patient ${i} twice`);
      scores[i] = scorer.score(cells[i]!);
    }
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    afterFit?.(k);
  }
  const missing = scores.findIndex((s) => s === undefined);
  if (missing >= 0) throw new ArgumentError('crossFitScores', 'folds', 'test parts covering every patient', `patient ${missing} missing`);
  return { scores: scores as Float64Array[], scorers, histories };
}
