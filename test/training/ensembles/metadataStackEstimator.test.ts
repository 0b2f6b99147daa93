import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/core/index.js';
import type { PatientBag } from '../../../src/models/index.js';
import { logisticRegressionEstimator } from '../../../src/training/baselines/index.js';
import { crossValidate } from '../../../src/training/crossValidate/index.js';
import { metadataStackEstimator } from '../../../src/training/ensembles/index.js';
import type { Estimator, FittedModel } from '../../../src/training/estimator/index.js';
import { rocAuc } from '../../../src/training/metrics/index.js';

/**
 * Patients whose label depends on two independent signals: one only in their cells (`handmade`, 3 noisy copies) and
 * one only in their age. Each signal alone ranks them moderately; both together well.
 */
function twoSignalBags(n: number, seed: number): PatientBag[] {
  const rng = seededRandom(seed);
  return Array.from({ length: n }, (_, i): PatientBag => {
    const cells = rng.normal();
    const age = rng.normal();
    const label = cells + age + rng.normal(0, 0.3) > 0 ? 1 : 0;
    const data = Float32Array.from({ length: 3 }, () => cells + rng.normal(0, 0.1));
    return { id: `P${i}`, label, age: 60 + 10 * age, lymphCount: 5, handmade: { data, rows: 3, cols: 1 } };
  });
}

/**
 * A base estimator that remembers each fit's patients and scores a patient 0.99 when it trained on it (a model that
 * memorises) and 0.5 otherwise: stacked on in-sample scores, the stacker would see only 0.99s.
 */
function memorisingEstimator(): { estimator: Estimator; fits: string[][]; disposed: number[] } {
  const fits: string[][] = [];
  const disposed: number[] = [];
  const estimator: Estimator = {
    name: 'memorise',
    async fit(bags): Promise<FittedModel> {
      const k = fits.length;
      const seen = new Set(bags.map((b) => b.id));
      fits.push([...seen]);
      return {
        predict: async (test) => ({ probability: Float32Array.from(test, (b) => (seen.has(b.id) ? 0.99 : 0.5)), lymphCount: new Float32Array(test.length).fill(k) }),
        dispose: () => disposed.push(k),
      };
    },
  };
  return { estimator, fits, disposed };
}

const small: PatientBag[] = Array.from({ length: 20 }, (_, i) => ({ id: `P${i}`, label: (i % 2) as 0 | 1, age: 40 + i, lymphCount: 5 }));

describe('metadataStackEstimator', () => {
  it('adds the metadata to a base expert that lacks them: the stack ranks held-out patients better than either alone', async () => {
    const bags = twoSignalBags(160, 1);
    const base = logisticRegressionEstimator({ inputs: ['handmade'] });
    const stacked = metadataStackEstimator(base);
    const cv = await crossValidate(stacked, bags, { folds: 4, seed: 0 });
    const labels = bags.map((b) => b.label!);
    const out = cv.repeats[0]!.outOfFold;
    const auc = {
      stacked: rocAuc(labels, out.probability),
      base: rocAuc(labels, out.experts!['base']!),
      metadata: rocAuc(labels, out.experts!['metadata']!),
    };
    expect(auc.base).toBeGreaterThan(0.7);
    expect(auc.metadata).toBeGreaterThan(0.7);
    expect(auc.stacked).toBeGreaterThan(Math.max(auc.base, auc.metadata) + 0.05);
    expect(cv.mean.balancedAccuracy).toBeGreaterThan(0.85);
  });

  it('cross-fits the base inside the training patients (K fits on the others), refits once on all, and stacks the out-of-fold scores', async () => {
    const { estimator, fits, disposed } = memorisingEstimator();
    const model = await metadataStackEstimator(estimator, { innerFolds: 4 }).fit(small, { seed: 3 });
    expect(fits).toHaveLength(5);
    // Each inner fit trained on 3/4 of the patients; together the held-out parts cover every patient once.
    const heldOut = fits.slice(0, 4).flatMap((ids) => small.map((b) => b.id).filter((id) => !ids.includes(id)));
    expect(heldOut.sort()).toEqual(small.map((b) => b.id).sort());
    expect(fits[4]!.sort()).toEqual(small.map((b) => b.id).sort());
    expect(disposed.sort()).toEqual([0, 1, 2, 3]); // the inner models are freed once the refit exists
    // The stacker learnt from out-of-fold scores (all 0.5: a constant column), not the refit's in-sample 0.99s.
    expect(model.stacker.mean[0]).toBeCloseTo(0, 6); // logit(0.5)
    const p = await model.predict(small.slice(0, 2));
    expect(Array.from(p.experts.base)).toEqual([expect.closeTo(0.99, 6), expect.closeTo(0.99, 6)]);
    expect(Array.from(p.lymphCount!)).toEqual([4, 4]);
    model.dispose();
    model.dispose();
    expect(disposed.sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it("with final: 'innerAverage' keeps the K inner models, averages them for new patients and frees them all", async () => {
    const { estimator, fits, disposed } = memorisingEstimator();
    const model = await metadataStackEstimator(estimator, { innerFolds: 2, final: 'innerAverage' }).fit(small, { seed: 1 });
    expect(fits).toHaveLength(2);
    expect(model.members).toHaveLength(2);
    const p = await model.predict(small);
    // Each patient was seen by exactly one of the two inner models: (0.99 + 0.5) / 2.
    for (const v of p.experts.base) expect(v).toBeCloseTo(0.745, 6);
    expect(p.probability.every((v) => v >= 0 && v <= 1)).toBe(true);
    model.dispose();
    expect(disposed.sort()).toEqual([0, 1]);
    await expect(model.predict(small)).rejects.toThrow(/metadataStackEstimator model.predict: the model was disposed/);
  });

  it('frees the models fitted so far when a later fit fails', async () => {
    const { estimator, disposed } = memorisingEstimator();
    let calls = 0;
    const failing: Estimator = {
      name: 'fails-third',
      fit: async (bags, options) => {
        if (++calls === 3) throw new Error('out of memory');
        return estimator.fit(bags, options);
      },
    };
    await expect(metadataStackEstimator(failing, { innerFolds: 4 }).fit(small, { seed: 0 })).rejects.toThrow('out of memory');
    expect(disposed.sort()).toEqual([0, 1]);
  });

  it('refuses bad options, labels, metadata and too small classes, naming what is wrong', async () => {
    const { estimator } = memorisingEstimator();
    expect(() => metadataStackEstimator(estimator, { innerFolds: 1 })).toThrow(/metadataStackEstimator: options.innerFolds/);
    expect(() => metadataStackEstimator(estimator, { final: 'last' as 'refit' })).toThrow(/metadataStackEstimator: options.final/);
    expect(() => metadataStackEstimator(estimator, { c: 0 })).toThrow(/metadataStackEstimator: options.c/);
    expect(() => metadataStackEstimator({} as Estimator)).toThrow(/metadataStackEstimator: estimator/);
    const stack = metadataStackEstimator(estimator, { innerFolds: 5 });
    await expect(stack.fit(small.slice(0, 8), { seed: 0 })).rejects.toThrow(/at least 5 patients of each class/);
    await expect(stack.fit([...small.slice(1), { ...small[0]!, label: undefined }], { seed: 0 })).rejects.toThrow(/bags\[19\] \(patient P0\)\.label/);
    await expect(stack.fit([{ ...small[0]!, age: Number.NaN }, ...small.slice(1)], { seed: 0 })).rejects.toThrow(/patient P0.*finite age/);
  });
});
