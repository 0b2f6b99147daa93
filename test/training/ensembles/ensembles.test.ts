import { describe, expect, it } from 'vitest';
import type { PatientBag } from '../../../src/models/index.js';
import type { Estimator, FittedModel } from '../../../src/training/estimator/index.js';
import { averagePredictions, baggingEstimator, foldEnsembleEstimator } from '../../../src/training/ensembles/index.js';
import { crossValidate } from '../../../src/training/crossValidate/index.js';
import { cellScoresEstimator, logisticInstanceLearner } from '../../../src/training/cellScores/index.js';
import { plantedBags } from '../cellScores/plantedBags.js';

/** An estimator that remembers what each fit saw and predicts the training malignant share (+ a gate). */
function recordingEstimator(): { estimator: Estimator; fits: { ids: string[]; seed: number }[]; disposed: number[] } {
  const fits: { ids: string[]; seed: number }[] = [];
  const disposed: number[] = [];
  const estimator: Estimator = {
    name: 'share',
    async fit(bags, { seed }): Promise<FittedModel> {
      const k = fits.length;
      fits.push({ ids: bags.map((b) => b.id), seed });
      const share = bags.filter((b) => b.label === 1).length / bags.length;
      return {
        predict: async (test) => ({
          probability: new Float32Array(test.length).fill(share),
          gate: new Float32Array(test.length).fill(k),
          experts: { a: new Float32Array(test.length).fill(k) },
        }),
        dispose: () => disposed.push(k),
      };
    },
  };
  return { estimator, fits, disposed };
}

const bags: PatientBag[] = Array.from({ length: 20 }, (_, i) => ({ id: `P${i}`, label: (i < 8 ? 0 : 1) as 0 | 1, age: 50, lymphCount: 5 }));

describe('averagePredictions', () => {
  it('averages every field the members share and leaves the rest out', () => {
    const p = averagePredictions([
      { probability: Float32Array.of(0.2, 1), gate: Float32Array.of(0, 1), experts: { a: Float32Array.of(1, 1), b: Float32Array.of(0, 0) } },
      { probability: Float32Array.of(0.6, 0), gate: Float32Array.of(1, 1), experts: { a: Float32Array.of(0, 1) }, lymphCount: Float32Array.of(3, 3) },
    ]);
    expect(Array.from(p.probability)).toEqual([expect.closeTo(0.4, 6), 0.5]);
    expect(Array.from(p.gate!)).toEqual([0.5, 1]);
    expect(Array.from(p.experts!['a']!)).toEqual([0.5, 1]);
    expect(p.experts!['b']).toBeNull();
    expect(p.lymphCount).toBeUndefined();
  });

  it('averages attention per patient, and refuses unequal lengths', () => {
    const p = averagePredictions([
      { probability: Float32Array.of(0), attention: { handmade: [Float32Array.of(0, 1)] } },
      { probability: Float32Array.of(0), attention: { handmade: [Float32Array.of(1, 1)] } },
    ]);
    expect(Array.from(p.attention!['handmade']![0]!)).toEqual([0.5, 1]);
    expect(() => averagePredictions([{ probability: Float32Array.of(0) }, { probability: Float32Array.of(0, 1) }])).toThrow(/averagePredictions.*predictions\[1\]/);
    expect(() => averagePredictions([])).toThrow(/averagePredictions/);
  });
});

describe('foldEnsembleEstimator', () => {
  it('fits K members, each without one stratified fold, and predicts their mean', async () => {
    const { estimator, fits, disposed } = recordingEstimator();
    const model = await foldEnsembleEstimator(estimator, { folds: 4 }).fit(bags, { seed: 3 });
    expect(fits).toHaveLength(4);
    const left = fits.map((f) => bags.map((b) => b.id).filter((id) => !f.ids.includes(id)));
    expect(left.flat().sort()).toEqual(bags.map((b) => b.id).sort()); // the held-out parts partition the patients
    for (const l of left) expect(l.filter((id) => Number(id.slice(1)) < 8)).toHaveLength(2); // stratified
    expect(new Set(fits.map((f) => f.seed)).size).toBe(4);
    const p = await model.predict(bags.slice(0, 2));
    expect(p.probability[0]).toBeCloseTo(12 / 20, 5);
    expect(p.gate![0]).toBeCloseTo(1.5, 5);
    model.dispose();
    expect(disposed.sort()).toEqual([0, 1, 2, 3]);
  });

  it('frees the members fitted so far when a fit fails, and checks its inputs', async () => {
    const { estimator, disposed } = recordingEstimator();
    let calls = 0;
    const failing: Estimator = { name: 'f', fit: async (b, o) => (++calls === 3 ? Promise.reject(new Error('boom')) : estimator.fit(b, o)) };
    await expect(foldEnsembleEstimator(failing, { folds: 4 }).fit(bags, { seed: 0 })).rejects.toThrow('boom');
    expect(disposed.sort()).toEqual([0, 1]);
    expect(() => foldEnsembleEstimator(estimator, { folds: 1 })).toThrow(/foldEnsembleEstimator.*folds/);
    await expect(foldEnsembleEstimator(estimator, { folds: 9 }).fit(bags, { seed: 0 })).rejects.toThrow(/foldEnsembleEstimator.fit.*at least 9/);
  });

  it('ensembles the cell-scores expert inside crossValidate', async () => {
    const planted = plantedBags(40, { seed: 8 });
    const estimator = foldEnsembleEstimator(cellScoresEstimator({ learner: logisticInstanceLearner({ c: 1 }), innerFolds: 3 }), { folds: 3 });
    const cv = await crossValidate(estimator, planted, { folds: 3, seed: 0 });
    expect(cv.mean.balancedAccuracy).toBeGreaterThan(0.8);
    expect(cv.repeats[0]!.outOfFold.experts!['cells']).toHaveLength(40);
  });
});

describe('baggingEstimator', () => {
  it('draws the same share of each class without replacement, a different draw per member', async () => {
    const { estimator, fits } = recordingEstimator();
    const model = await baggingEstimator(estimator, { members: 3, fraction: 0.5 }).fit(bags, { seed: 1 });
    expect(fits).toHaveLength(3);
    for (const f of fits) {
      expect(f.ids).toHaveLength(10);
      expect(new Set(f.ids).size).toBe(10);
      expect(f.ids.filter((id) => Number(id.slice(1)) < 8)).toHaveLength(4);
    }
    expect(new Set(fits.map((f) => f.ids.join())).size).toBe(3);
    expect((await model.predict(bags.slice(0, 1))).probability[0]).toBeCloseTo(0.6, 5);
    const again = recordingEstimator();
    await baggingEstimator(again.estimator, { members: 3, fraction: 0.5 }).fit(bags, { seed: 1 });
    expect(again.fits.map((f) => f.ids)).toEqual(fits.map((f) => f.ids)); // deterministic given the seed
  });

  it('draws with replacement on request, and checks its options', async () => {
    const { estimator, fits } = recordingEstimator();
    await baggingEstimator(estimator, { members: 2, fraction: 1, replace: true }).fit(bags, { seed: 2 });
    expect(fits[0]!.ids).toHaveLength(20);
    expect(fits.some((f) => new Set(f.ids).size < 20)).toBe(true);
    expect(() => baggingEstimator(estimator, { fraction: 1.5 })).toThrow(/baggingEstimator.*fraction/);
    expect(() => baggingEstimator(estimator, { members: 0 })).toThrow(/baggingEstimator.*members/);
    await expect(baggingEstimator(estimator, { fraction: 0.1 }).fit(bags, { seed: 0 })).rejects.toThrow(/baggingEstimator.fit.*fraction/);
  });
});
