/**
 * The per-cell learners record their loss step by step (`history`): the last training and validation values are the
 * weighted log-loss of the fitted model's own scores (an independent recomputation), a validation set never changes
 * the fit, and the cross-fitting uses each fold's held-out patients as validation.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/core/index.js';
import {
  cellScoresEstimator,
  crossFitScores,
  fitCellMlp,
  fitGradientBoostedTrees,
  fitWeightedLogistic,
  gbdtInstanceLearner,
  logisticInstanceLearner,
  mlpInstanceLearner,
} from '../../../src/training/cellScores/index.js';
import { weightedLogLoss } from '../../../src/training/cellScores/weightedLogLoss.js';
import { stratifiedKFold } from '../../../src/training/splits/index.js';
import { plantedBags } from './plantedBags.js';

/** Cells whose label depends on the first two columns (a ring), with a noise column. */
function ring(n: number, seed: number) {
  const rng = seededRandom(seed);
  const data = new Float32Array(n * 3);
  const labels = new Uint8Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.normal();
    const b = rng.normal();
    data.set([a, b, rng.normal()], i * 3);
    const r = Math.hypot(a, b);
    labels[i] = r > 0.5 && r < 1.2 ? 1 : 0;
    weights[i] = 0.5 + rng.next();
  }
  return { cells: { data, rows: n, cols: 3 }, labels, weights };
}

const TOL = 1e-9;

describe('loss histories of the per-cell learners', () => {
  const train = ring(600, 1);
  const held = ring(300, 2);
  const validation = { cells: held.cells, labels: held.labels, weights: held.weights };

  it('boosted trees: one value per round; the last ones are the final scores’ loss; validation changes nothing', () => {
    const model = fitGradientBoostedTrees(train.cells, train.labels, train.weights, 3, { rounds: 25, validation });
    const h = model.history!;
    expect(h.unit).toBe('boosting round');
    expect(h.train).toHaveLength(25);
    expect(h.validation).toHaveLength(25);
    expect(h.train.at(-1)).toBeCloseTo(weightedLogLoss(model.score(train.cells), train.labels, train.weights), 9);
    expect(h.validation!.at(-1)).toBeCloseTo(weightedLogLoss(model.score(held.cells), held.labels, held.weights), 9);
    expect(h.train.at(-1)!).toBeLessThan(h.train[0]! - 0.05); // it learns
    expect(h.train[0]!).toBeLessThan(Math.log(2));
    const plain = fitGradientBoostedTrees(train.cells, train.labels, train.weights, 3, { rounds: 25 });
    expect(Array.from(plain.score(held.cells))).toEqual(Array.from(model.score(held.cells)));
    expect(plain.history!.validation).toBeNull();
    expect(plain.history!.train).toEqual(h.train);
    // the first rounds of a longer fit are the rounds of a shorter one (same seed)
    const short = fitGradientBoostedTrees(train.cells, train.labels, train.weights, 3, { rounds: 5 });
    for (let r = 0; r < 5; r++) expect(Math.abs(short.history!.train[r]! - h.train[r]!)).toBeLessThan(TOL);
  });

  it('MLP: one value per epoch, validation at the end of each epoch', () => {
    const opts = { hidden: 8, epochs: 12, batchSize: 64, learningRate: 1e-2 };
    const model = fitCellMlp(train.cells, train.labels, train.weights, 0, { ...opts, validation });
    const h = model.history!;
    expect(h.unit).toBe('epoch');
    expect(h.train).toHaveLength(12);
    expect(h.validation!.at(-1)).toBeCloseTo(weightedLogLoss(model.score(held.cells), held.labels, held.weights), 9);
    expect(h.train.at(-1)!).toBeLessThan(h.train[0]!);
    const plain = fitCellMlp(train.cells, train.labels, train.weights, 0, opts);
    expect(Array.from(plain.score(held.cells))).toEqual(Array.from(model.score(held.cells)));
    expect(plain.history!.validation).toBeNull();
  });

  it('logistic: one value per Newton iteration, decreasing to the final scores’ loss', () => {
    const model = fitWeightedLogistic(train.cells, train.labels, train.weights, { c: 0.5, validation });
    const h = model.history!;
    expect(h.unit).toBe('Newton iteration');
    expect(h.train.length).toBeGreaterThan(1);
    expect(h.train.length).toBeLessThanOrEqual(model.iterations + 1);
    expect(h.train.at(-1)).toBeCloseTo(weightedLogLoss(model.score(train.cells), train.labels, train.weights), 9);
    expect(h.validation!.at(-1)).toBeCloseTo(weightedLogLoss(model.score(held.cells), held.labels, held.weights), 9);
    expect(() => fitWeightedLogistic(train.cells, train.labels, train.weights, { validation: { ...validation, labels: held.labels.slice(1) } })).toThrow(
      /fitWeightedLogistic.*options\.validation\.labels/,
    );
    expect(() => fitGradientBoostedTrees(train.cells, train.labels, train.weights, 0, { validation: { ...validation, cells: { data: new Float32Array(2), rows: 1, cols: 2 } } })).toThrow(
      /fitGradientBoostedTrees.*options\.validation\.cells/,
    );
  });

  it('crossFitScores validates each fit on its fold’s held-out patients, and not a fit whose test part it trained on', async () => {
    const bags = plantedBags(24, { seed: 3 });
    const cells = bags.map((b) => b.handmade!);
    const labels = bags.map((b) => b.label!);
    const folds = stratifiedKFold(labels, { nSplits: 3, shuffle: true, seed: 2 });
    const result = await crossFitScores(cells, labels, folds, gbdtInstanceLearner({ rounds: 10 }), 0);
    expect(result.histories).toHaveLength(3);
    folds.forEach((fold, k) => {
      const h = result.histories[k]!;
      expect(h.validation).toHaveLength(10);
      // the held-out patients' cells, each patient weighing the same within its class: recomputed from the scores
      const z = fold.test.map((i) => result.scores[i]!);
      const y = fold.test.flatMap((i, t) => Array.from(z[t]!, () => labels[i]!));
      const pos = fold.test.filter((i) => labels[i] === 1).length;
      const w = fold.test.flatMap((i, t) => Array.from(z[t]!, () => 1 / (labels[i] === 1 ? pos : fold.test.length - pos) / cells[i]!.rows));
      expect(h.validation!.at(-1)).toBeCloseTo(weightedLogLoss(z.flatMap((a) => Array.from(a)), y, w), 9);
    });
    const everyone = [{ train: labels.map((_, i) => i), test: labels.map((_, i) => i) }];
    const refit = await crossFitScores(cells, labels, everyone, logisticInstanceLearner(), 0);
    expect(refit.histories[0]!.validation).toBeNull();
  });

  it('cellScoresEstimator: per learner, the inner folds’ mean curve (with validation) and the final refit’s', async () => {
    const train2 = plantedBags(30, { seed: 1 });
    const model = await cellScoresEstimator({ learner: [gbdtInstanceLearner({ rounds: 8 }), mlpInstanceLearner({ epochs: 4 })], innerFolds: 3 }).fit(train2, { seed: 0 });
    const names = model.history!.map((c) => c.name);
    expect(names).toEqual(['gbdt(8, depth 3, η 0.1): inner folds (mean of 3)', 'gbdt(8, depth 3, η 0.1): final', 'mlp(16, 4 epochs): inner folds (mean of 3)', 'mlp(16, 4 epochs): final']);
    const [inner, final, mlpInner] = model.history!;
    expect(inner!.train).toHaveLength(8);
    expect(inner!.validation).toHaveLength(8);
    expect(final!.validation).toBeNull();
    expect(mlpInner!.unit).toBe('epoch');
    expect(mlpInner!.train).toHaveLength(4);
    for (const c of model.history!) expect([...c.train, ...(c.validation ?? [])].every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    const averaged = await cellScoresEstimator({ learner: logisticInstanceLearner(), innerFolds: 3, finalModel: 'innerAverage' }).fit(train2, { seed: 0 });
    expect(averaged.history!.map((c) => c.name)).toEqual(['logistic(C=1): inner folds (mean of 3)']);
    expect(averaged.history![0]!.unit).toBe('Newton iteration');
  });
});
