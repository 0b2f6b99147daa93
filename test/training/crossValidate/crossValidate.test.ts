import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { crossValidate } from '../../../src/training/crossValidate/index.js';
import { signalBags } from '../fit/signalBags.js';

const bags = signalBags(30, 11);
const model = { imageDim: 6, handmadeDim: 3, handmadeUnits: 4, scalarUnits: 4 };
const fit = { epochs: 6, batchSize: 8, learningRate: 1e-2 };

describe('crossValidate', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('is reproducible, stratified at the patient level, and summarises the folds as mean ± sd', async () => {
    const a = await crossValidate(bags, { model, fit, folds: 3, seed: 4 });
    const b = await crossValidate(bags, { model, fit, folds: 3, seed: 4 });
    expect(a.folds.map((f) => f.metrics)).toEqual(b.folds.map((f) => f.metrics));
    expect(Array.from(a.outOfFold)).toEqual(Array.from(b.outOfFold));
    const tested = a.folds.flatMap((f) => f.test).sort((x, y) => x - y);
    expect(tested).toEqual(bags.map((_, i) => i));
    for (const f of a.folds) {
      expect(f.train.some((i) => f.test.includes(i))).toBe(false);
      const negatives = f.test.filter((i) => bags[i]?.label === 0).length;
      expect(negatives === 3 || negatives === 4).toBe(true);
    }
    const bas = a.folds.map((f) => f.metrics.balancedAccuracy);
    const mean = bas.reduce((s, v) => s + v, 0) / bas.length;
    const sd = Math.sqrt(bas.reduce((s, v) => s + (v - mean) ** 2, 0) / (bas.length - 1));
    expect(a.mean.balancedAccuracy).toBeCloseTo(mean, 12);
    expect(a.sd.balancedAccuracy).toBeCloseTo(sd, 12);
    const other = await crossValidate(bags, { model, fit, folds: 3, seed: 5 });
    expect(other.folds.map((f) => f.test)).not.toEqual(a.folds.map((f) => f.test));
  });

  it('fits every statistic on the training folds only', async () => {
    const cv = await crossValidate(bags, { model, fit: { ...fit, epochs: 1 }, folds: 3, seed: 1, validationFraction: 0, keepModels: true });
    const ensemble = cv.ensemble;
    expect(ensemble).not.toBeNull();
    cv.folds.forEach((f, k) => {
      const member = ensemble?.members[k];
      const mean = member?.namedWeights().find((w) => w.name === 'metadata.standardize/mean')?.variable.read().dataSync();
      const trainAge = f.train.reduce((s, i) => s + (bags[i]?.age as number), 0) / f.train.length;
      const allAge = bags.reduce((s, b) => s + b.age, 0) / bags.length;
      expect(mean?.[0]).toBeCloseTo(trainAge, 3);
      expect(Math.abs((mean?.[0] as number) - allAge)).toBeGreaterThan(1e-4);
    });
    ensemble?.dispose();
  });

  it('keeps the fold models as an ensemble that averages their probabilities', async () => {
    const cv = await crossValidate(bags, { model, fit, folds: 3, seed: 2, keepModels: true });
    const ensemble = cv.ensemble;
    if (ensemble === null) throw new Error('expected an ensemble');
    const prediction = await ensemble.predict(bags.slice(0, 5));
    expect(prediction.members).toHaveLength(3);
    prediction.probability.forEach((p, i) => {
      const mean = prediction.members.reduce((s, m) => s + (m[i] as number), 0) / 3;
      expect(p).toBeCloseTo(mean, 6);
    });
    expect(prediction.gate).toHaveLength(5);
    ensemble.dispose();
  });

  it('averages modelsPerFold differently seeded models per fold', async () => {
    const cv = await crossValidate(bags, { model, fit: { ...fit, epochs: 2 }, folds: 3, seed: 3, modelsPerFold: 2, keepModels: true });
    const members = cv.ensemble?.members ?? [];
    expect(members).toHaveLength(6);
    for (const f of cv.folds) {
      expect(f.epochs).toHaveLength(2);
      const test = f.test.map((i) => bags[i] as (typeof bags)[number]);
      const a = await members[2 * f.fold]?.predict(test);
      const b = await members[2 * f.fold + 1]?.predict(test);
      expect(Array.from(a?.probability ?? [])).not.toEqual(Array.from(b?.probability ?? []));
      f.test.forEach((i, j) => {
        const mean = ((a?.probability[j] as number) + (b?.probability[j] as number)) / 2;
        expect(cv.outOfFold[i]).toBeCloseTo(mean, 6);
      });
    }
    cv.ensemble?.dispose();
    await expect(crossValidate(bags, { model, modelsPerFold: 0 })).rejects.toThrow(/modelsPerFold must be an integer ≥ 1, got 0/);
  });

  it('leaks no tensor over a cross-validation run and its ensemble', async () => {
    const before = tf.memory().numTensors;
    const cv = await crossValidate(bags, { model: { ...model, imageAggregator: 'attention' }, fit: { ...fit, epochs: 2 }, folds: 3, keepModels: true });
    await cv.ensemble?.predict(bags);
    cv.ensemble?.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('ignores what an onProgress listener returns (a listener returning true does not stop the folds)', async () => {
    const epochs = { epochs: 4, batchSize: 8, learningRate: 1e-2, patience: 100 };
    const cv = await crossValidate(bags, { model, fit: epochs, folds: 3, seed: 6, validationFraction: 0, onProgress: () => true as unknown as void });
    expect(cv.folds.map((f) => f.epochs)).toEqual([[4], [4], [4]]);
  });

  it('rejects unlabelled patients, classes smaller than K and bad options', async () => {
    const { label: _label, ...unlabelled } = bags[0] as (typeof bags)[number];
    await expect(crossValidate([unlabelled, ...bags.slice(1)], { model })).rejects.toThrow(/patient S0 has no label/);
    await expect(crossValidate(bags.slice(0, 8), { model, folds: 5 })).rejects.toThrow(/nSplits=5 exceeds the 3 member/);
    await expect(crossValidate(bags, { model, validationFraction: 1 })).rejects.toThrow(/validationFraction must be in \[0, 1\), got 1/);
  });
});
