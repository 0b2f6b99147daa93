import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { crossValidate } from '../../../src/training/crossValidate/index.js';
import { cellScoresEstimator, gbdtInstanceLearner, logisticInstanceLearner } from '../../../src/training/cellScores/index.js';
import { balancedAccuracy } from '../../../src/training/metrics/index.js';
import type { PatientBag } from '../../../src/models/index.js';
import { plantedBags } from './plantedBags.js';

describe('cellScoresEstimator', () => {
  const train = plantedBags(60, { seed: 1 });
  const test = plantedBags(40, { seed: 2 });
  const yTest = test.map((b) => b.label!);

  it('learns a planted per-cell signal, and the cells point at the planted cells', async () => {
    for (const pooling of ['mean', 'quantiles', 'topk'] as const) {
      const model = await cellScoresEstimator({ learner: logisticInstanceLearner({ c: 0.1 }), pooling }).fit(train, { seed: 0 });
      const pred = await model.predict(test);
      expect(balancedAccuracy(yTest, pred.probability), pooling).toBeGreaterThan(0.85);
      expect(balancedAccuracy(yTest, pred.experts.cells), pooling).toBeGreaterThan(0.85);
      // the metadata alone carry a weak signal only
      expect(balancedAccuracy(yTest, pred.experts.metadata)).toBeLessThan(0.85);
      // attention: one score per cell; in a malignant patient the shifted cells (feature 0 > 2) score highest
      const b = test.findIndex((x) => x.label === 1);
      const h = test[b]!.handmade!;
      const att = pred.attention.handmade[b]!;
      expect(att.length).toBe(h.rows);
      for (let i = 0; i < h.rows; i++) {
        for (let j = 0; j < h.rows; j++) {
          if (h.data[i * h.cols]! > h.data[j * h.cols]! + 1.5) expect(att[i]).toBeGreaterThan(att[j]!);
        }
      }
      model.dispose();
      model.dispose(); // harmless twice
    }
  });

  it('learns it with the default learner (boosted trees), whose attention ranks planted cells high', async () => {
    const pred = await (await cellScoresEstimator().fit(train, { seed: 0 })).predict(test);
    expect(balancedAccuracy(yTest, pred.probability)).toBeGreaterThan(0.85);
    const b = test.findIndex((x) => x.label === 1);
    const h = test[b]!.handmade!;
    const att = pred.attention.handmade[b]!;
    const planted: number[] = [];
    const plain: number[] = [];
    for (let i = 0; i < h.rows; i++) (h.data[i * h.cols]! > 2 ? planted : plain).push(att[i]!);
    const mean = (xs: number[]): number => xs.reduce((x, y) => x + y, 0) / xs.length;
    expect(planted.length).toBeGreaterThan(0);
    expect(mean(planted)).toBeGreaterThan(mean(plain) + 0.2);
  });

  it('stacks the pooled scores of several learners', async () => {
    const events: string[] = [];
    const est = cellScoresEstimator({ learner: [logisticInstanceLearner({ c: 0.1 }), gbdtInstanceLearner({ rounds: 20 })], innerFolds: 3 });
    const model = await est.fit(train, { seed: 0, onProgress: (e) => events.push(String(e.detail.step)) });
    expect(events).toHaveLength(8);
    expect(events[7]).toBe('gbdt(20, depth 3, η 0.1): final');
    const pred = await model.predict(test);
    expect(balancedAccuracy(yTest, pred.probability)).toBeGreaterThan(0.85);
    // one learner alone is a different model
    const single = await (await cellScoresEstimator({ learner: logisticInstanceLearner({ c: 0.1 }), innerFolds: 3 }).fit(train, { seed: 0 })).predict(test);
    expect(Array.from(single.probability)).not.toEqual(Array.from(pred.probability));
  });

  it('is deterministic given the seed, and the inner folds depend on it', async () => {
    const est = cellScoresEstimator({ learner: logisticInstanceLearner({ c: 0.05 }) });
    const a = await (await est.fit(train, { seed: 7 })).predict(test);
    const b = await (await est.fit(train, { seed: 7 })).predict(test);
    const c = await (await est.fit(train, { seed: 8 })).predict(test);
    expect(Array.from(a.probability)).toEqual(Array.from(b.probability));
    expect(Array.from(a.probability)).not.toEqual(Array.from(c.probability));
  });

  it("never reads a held-out patient's label", async () => {
    const model = await cellScoresEstimator().fit(train, { seed: 0 });
    const flipped = test.map((b): PatientBag => ({ ...b, label: (1 - b.label!) as 0 | 1 }));
    const unlabelled = test.map(({ label: _label, ...b }): PatientBag => b);
    const a = await model.predict(test);
    expect(Array.from((await model.predict(flipped)).probability)).toEqual(Array.from(a.probability));
    expect(Array.from((await model.predict(unlabelled)).probability)).toEqual(Array.from(a.probability));
  });

  it('repeating every cell of a training patient changes nothing (patients count equally)', async () => {
    const est = cellScoresEstimator({ learner: logisticInstanceLearner({ c: 0.1 }), pooling: 'mean', finalModel: 'innerAverage' });
    const a = await (await est.fit(train, { seed: 3 })).predict(test);
    const doubled = train.map((b, i): PatientBag => {
      if (i !== 4) return b;
      const h = b.handmade!;
      const data = new Float32Array(h.data.length * 3);
      for (let r = 0; r < 3; r++) data.set(h.data, r * h.data.length);
      return { ...b, handmade: { data, rows: h.rows * 3, cols: h.cols } };
    });
    const b = await (await est.fit(doubled, { seed: 3 })).predict(test);
    for (let i = 0; i < test.length; i++) expect(b.probability[i]).toBeCloseTo(a.probability[i]!, 5);
  });

  it('lets a timer abort it between fits', async () => {
    const controller = new AbortController();
    const events: number[] = [];
    const fitting = cellScoresEstimator({ learner: logisticInstanceLearner({ c: 0.1 }) }).fit(train, {
      seed: 0,
      signal: controller.signal,
      onProgress: (e) => events.push(e.done),
    });
    setTimeout(() => controller.abort(new Error('stopped by a timer')), 0);
    await expect(fitting).rejects.toThrow('stopped by a timer');
    expect(events.length).toBeLessThan(6);
  });

  it('reports progress, honours an aborted signal and names bad inputs', async () => {
    const events: number[] = [];
    await cellScoresEstimator({ innerFolds: 3 }).fit(train, { seed: 0, onProgress: (e) => events.push(e.done) });
    expect(events).toEqual([1, 2, 3, 4]);
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(cellScoresEstimator().fit(train, { seed: 0, signal: controller.signal })).rejects.toThrow('stop');
    const est = cellScoresEstimator();
    await expect(est.fit(train.slice(0, 3), { seed: 0 })).rejects.toThrow(/at least 2 patients of each class/);
    // A small cohort (3 of each class) is cross-fitted on 3 inner folds instead of 5.
    const steps: string[] = [];
    await est.fit(train.slice(0, 6), { seed: 0, onProgress: (e) => steps.push(String(e.detail.step)) });
    expect(steps.filter((s) => s.includes('inner'))).toHaveLength(3);
    const bad = train.map((b, i) => (i === 2 ? { ...b, handmade: undefined } : b));
    await expect(est.fit(bad, { seed: 0 })).rejects.toThrow(/cellScoresEstimator\.fit.*patient P2.*handmade/);
    const model = await est.fit(train, { seed: 0 });
    const narrow = { ...test[0]!, handmade: { data: new Float32Array(3), rows: 1, cols: 3 } };
    await expect(model.predict([narrow])).rejects.toThrow(/predict.*P0.*4 columns/);
    expect(() => cellScoresEstimator({ pooling: 'median' as never })).toThrow(/options\.pooling/);
    expect(() => cellScoresEstimator({ innerFolds: 1 })).toThrow(/options\.innerFolds/);
    expect(est.name).toBe('cell-scores(gbdt(100, depth 3, η 0.1), mean)');
    expect(cellScoresEstimator({ learner: [logisticInstanceLearner({ c: 1 }), logisticInstanceLearner({ c: 2 })] }).name).toBe('cell-scores(logistic(C=1) + logistic(C=2), mean)');
    expect(() => cellScoresEstimator({ learner: [] })).toThrow(/options\.learner/);
  });

  it('cross-validates through crossValidate, with out-of-fold experts and attention, and makes no tensor', async () => {
    const before = tf.memory().numTensors;
    const bags = plantedBags(40, { seed: 5 });
    const cv = await crossValidate(cellScoresEstimator({ pooling: 'topk' }), bags, { folds: 4, repeats: 1, seed: 0 });
    expect(cv.mean.balancedAccuracy).toBeGreaterThan(0.8);
    const oof = cv.repeats[0]!.outOfFold;
    expect(oof.experts?.['cells']?.length).toBe(40);
    expect(oof.attention?.['handmade']?.[3]?.length).toBe(bags[3]!.handmade!.rows);
    expect(tf.memory().numTensors).toBe(before);
  });
});
