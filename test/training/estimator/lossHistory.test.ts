/**
 * The mixture-of-experts estimator records each member's per-epoch losses in the fitted model's `history` (the values
 * its training progress reported), and `crossValidate` keeps each fold's curves.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { crossValidate } from '../../../src/training/crossValidate/index.js';
import { mixtureOfExpertsEstimator, type Estimator, type LossCurve } from '../../../src/training/estimator/index.js';
import { plantedBags } from '../cellScores/plantedBags.js';

describe('loss histories of the estimators', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  const bags = plantedBags(24, { seed: 2, cols: 4, minCells: 3, maxCells: 6 });

  it('mixtureOfExpertsEstimator: one curve per member, the losses its progress reported, validation when it holds patients out', async () => {
    const before = tf.memory().numTensors;
    const reported: { member: number; loss: number; validationLoss: number | null }[] = [];
    const estimator = mixtureOfExpertsEstimator({ experts: ['scalar'], handmadeDim: 4 }, { epochs: 4, batchSize: 6, validationFraction: 0.25, modelsPerFold: 2 });
    const model = await estimator.fit(bags, { seed: 1, onProgress: (e) => reported.push(e.detail as never) });
    expect(model.history.map((c) => c.name)).toEqual(['member 0', 'member 1']);
    for (const [member, curve] of model.history.entries()) {
      expect(curve.unit).toBe('epoch');
      const mine = reported.filter((r) => r.member === member);
      expect(curve.train).toEqual(mine.map((r) => r.loss));
      expect(curve.validation).toEqual(mine.map((r) => r.validationLoss));
      expect(curve.train.length).toBeGreaterThan(0);
      expect(curve.validation!.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    }
    model.dispose();
    const noValidation = await mixtureOfExpertsEstimator({ experts: ['scalar'], handmadeDim: 4 }, { epochs: 2, validationFraction: 0 }).fit(bags, { seed: 1 });
    expect(noValidation.history[0]!.validation).toBeNull();
    expect(noValidation.history[0]!.train).toHaveLength(2);
    noValidation.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('crossValidate keeps each fold’s curves, and none for a model without them', async () => {
    let fits = 0;
    const curve = (k: number): LossCurve => ({ name: 'fit', unit: 'epoch', loss: 'test', train: [k, k / 2], validation: null });
    const withHistory: Estimator = {
      name: 'constant',
      async fit() {
        const history = [curve(++fits)];
        return { history, predict: async (b) => ({ probability: new Float32Array(b.length).fill(0.5) }), dispose() {} };
      },
    };
    const cv = await crossValidate(withHistory, bags, { folds: 3 });
    expect(cv.folds.map((f) => f.history)).toEqual([[curve(1)], [curve(2)], [curve(3)]]);
    const without: Estimator = { name: 'none', fit: async () => ({ predict: async (b) => ({ probability: new Float32Array(b.length).fill(0.5) }), dispose() {} }) };
    expect((await crossValidate(without, bags, { folds: 3 })).folds.every((f) => f.history === undefined)).toBe(true);
  });
});
