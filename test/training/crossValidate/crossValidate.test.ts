import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../../src/core/index.js';
import { MixtureEnsemble, type PatientBag } from '../../../src/models/index.js';
import { logisticRegressionEstimator } from '../../../src/training/baselines/index.js';
import { crossValidate, type CrossValidateProgressDetail } from '../../../src/training/crossValidate/index.js';
import { mixtureOfExpertsEstimator, type Estimator } from '../../../src/training/estimator/index.js';
import { signalBags } from '../fit/signalBags.js';

const bags = signalBags(30, 11);
const model = { imageDim: 6, handmadeDim: 3, handmadeUnits: 4, scalarUnits: 4 };
const fit = { epochs: 6, batchSize: 8, learningRate: 1e-2 };
const moe = (options = {}): ReturnType<typeof mixtureOfExpertsEstimator> => mixtureOfExpertsEstimator(model, { ...fit, ...options });

describe('crossValidate', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('is reproducible, stratified at the patient level, and summarises folds and repeats as mean ± sd', async () => {
    const lr = logisticRegressionEstimator();
    const a = await crossValidate(lr, bags, { folds: 3, repeats: 3, seed: 4 });
    const b = await crossValidate(lr, bags, { folds: 3, repeats: 3, seed: 4 });
    expect(a).toEqual(b);
    expect(a.estimator).toBe('logistic-regression');
    expect(a.folds).toHaveLength(9);
    for (let r = 0; r < 3; r++) {
      const folds = a.folds.filter((f) => f.repeat === r);
      expect(folds.map((f) => f.fold)).toEqual([0, 1, 2]);
      expect(folds.flatMap((f) => f.test).sort((x, y) => x - y)).toEqual(bags.map((_, i) => i));
      for (const f of folds) {
        expect(f.train.some((i) => f.test.includes(i))).toBe(false);
        const negatives = f.test.filter((i) => bags[i]?.label === 0).length;
        expect(negatives === 3 || negatives === 4).toBe(true);
      }
      const mean = folds.reduce((s, f) => s + f.metrics.balancedAccuracy, 0) / 3;
      expect(a.repeats[r]?.metrics.balancedAccuracy).toBeCloseTo(mean, 12);
      expect(a.repeats[r]?.outOfFold.probability).toHaveLength(bags.length);
    }
    // repeats shuffle the folds differently
    expect(a.folds[0]?.test).not.toEqual(a.folds[3]?.test);
    const sd = (values: number[]): number => {
      const m = values.reduce((s, v) => s + v, 0) / values.length;
      return Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1));
    };
    const perRepeat = a.repeats.map((r) => r.metrics.balancedAccuracy);
    expect(a.mean.balancedAccuracy).toBeCloseTo(perRepeat.reduce((s, v) => s + v, 0) / 3, 12);
    expect(a.sdOverRepeats.balancedAccuracy).toBeCloseTo(sd(perRepeat), 12);
    expect(a.sdOverFolds.auc).toBeCloseTo(sd(a.folds.map((f) => f.metrics.auc)), 12);
    const other = await crossValidate(lr, bags, { folds: 3, seed: 5 });
    expect(other.folds.map((f) => f.test)).not.toEqual(a.folds.slice(0, 3).map((f) => f.test));
    expect(Number.isNaN(other.sdOverRepeats.auc)).toBe(true);
  });

  it('predicts each held-out patient with the model fitted on the other folds (out-of-fold, full predictions)', async () => {
    const cv = await crossValidate(moe({ validationFraction: 0 }), bags, { folds: 3, seed: 1, keepModels: true });
    const models = cv.models?.[0] ?? [];
    expect(models).toHaveLength(3);
    const oof = cv.repeats[0]?.outOfFold;
    for (const f of cv.folds) {
      const model = models[f.fold] as MixtureEnsemble;
      // standardisation fitted on the training folds only
      const mean = model.members[0]?.namedWeights().find((w) => w.name === 'metadata.standardize/mean')?.variable.read().dataSync();
      const trainAge = f.train.reduce((s, i) => s + (bags[i]?.age as number), 0) / f.train.length;
      expect(mean?.[0]).toBeCloseTo(trainAge, 3);
      const predicted = await model.predict(f.test.map((i) => bags[i] as PatientBag));
      f.test.forEach((i, j) => {
        expect(oof?.probability[i]).toBeCloseTo(predicted.probability[j] as number, 6);
        expect(oof?.gate?.[i]).toBeCloseTo(predicted.gate?.[j] as number, 6);
        expect(oof?.lymphCount?.[i]).toBeCloseTo(predicted.lymphCount?.[j] as number, 4);
        expect(oof?.experts.scalar?.[i]).toBeCloseTo(predicted.experts.scalar?.[j] as number, 6);
      });
    }
    expect(oof?.gate).toHaveLength(bags.length);
    const all = new MixtureEnsemble(cv.models?.flat() ?? []);
    expect(all.members).toHaveLength(3);
    all.dispose();
  });

  it('averages modelsPerFold differently seeded models per fold', async () => {
    const cv = await crossValidate(moe({ epochs: 2, modelsPerFold: 2 }), bags, { folds: 3, seed: 3, keepModels: true });
    for (const f of cv.folds) {
      const ensemble = cv.models?.[0]?.[f.fold] as MixtureEnsemble;
      expect(ensemble.members).toHaveLength(2);
      const test = f.test.map((i) => bags[i] as PatientBag);
      const p = await ensemble.predict(test);
      expect(Array.from(p.members[0]?.probability ?? [])).not.toEqual(Array.from(p.members[1]?.probability ?? []));
      f.test.forEach((i, j) => {
        const mean = ((p.members[0]?.probability[j] as number) + (p.members[1]?.probability[j] as number)) / 2;
        expect(cv.repeats[0]?.outOfFold.probability[i]).toBeCloseTo(mean, 6);
      });
      ensemble.dispose();
    }
    expect(() => mixtureOfExpertsEstimator(model, { modelsPerFold: 0 })).toThrow('mixtureOfExpertsEstimator: modelsPerFold must be an integer ≥ 1, got 0');
  });

  it('reports progress events (training epochs and folds) and ignores what the listener returns', async () => {
    const events: ProgressEvent<CrossValidateProgressDetail>[] = [];
    const cv = await crossValidate(moe({ epochs: 4, patience: 100, validationFraction: 0 }), bags, {
      folds: 3,
      repeats: 2,
      seed: 6,
      onProgress: (event) => events.push(event) as unknown as void, // returns a truthy number: never a stop signal
    });
    const training = events.filter((e) => e.stage === 'training');
    expect(training).toHaveLength(2 * 3 * 4); // every fold ran all its epochs
    expect(training.slice(0, 4).map((e) => [e.done, e.total, e.detail.repeat, e.detail.fold, e.detail['epoch']])).toEqual([
      [1, 4, 0, 0, 0],
      [2, 4, 0, 0, 1],
      [3, 4, 0, 0, 2],
      [4, 4, 0, 0, 3],
    ]);
    expect(typeof training[0]?.detail['loss']).toBe('number');
    const folds = events.filter((e) => e.stage === 'cross-validation');
    expect(folds.map((e) => [e.done, e.total, e.detail.repeat, e.detail.fold])).toEqual([
      [1, 6, 0, 0],
      [2, 6, 0, 1],
      [3, 6, 0, 2],
      [4, 6, 1, 0],
      [5, 6, 1, 1],
      [6, 6, 1, 2],
    ]);
    expect(folds[5]?.detail.metrics).toEqual(cv.folds[5]?.metrics);
    expect(folds[5]?.etaSeconds).toBe(0);
  });

  it('stops when aborted, disposing what it fitted', async () => {
    const controller = new AbortController();
    const before = tf.memory().numTensors;
    const run = crossValidate(moe({ epochs: 50 }), bags, {
      folds: 3,
      keepModels: true,
      signal: controller.signal,
      onProgress: (e) => {
        if (e.stage === 'cross-validation') controller.abort(new Error('enough'));
      },
    });
    await expect(run).rejects.toThrow('enough');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaks no tensor over a cross-validation run, its kept models, and a failing estimator', async () => {
    const before = tf.memory().numTensors;
    const cv = await crossValidate(mixtureOfExpertsEstimator({ ...model, imageAggregator: 'attention' }, { ...fit, epochs: 2 }), bags, {
      folds: 3,
      keepModels: true,
    });
    expect(cv.repeats[0]?.outOfFold.attention?.['image']?.[0]?.length).toBe(bags[0]?.images?.rows);
    for (const m of cv.models?.flat() ?? []) m.dispose();
    expect(tf.memory().numTensors).toBe(before);
    let fits = 0;
    const inner = moe({ epochs: 1 });
    const failing: Estimator = {
      name: 'fails-at-fold-2',
      async fit(train, options) {
        if (++fits === 2) throw new Error('fit failed');
        return inner.fit(train, options);
      },
    };
    await expect(crossValidate(failing, bags, { folds: 3, keepModels: true })).rejects.toThrow('fit failed');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects unlabelled patients, classes smaller than K and bad options, naming crossValidate and the argument', async () => {
    const lr = logisticRegressionEstimator();
    const { label: _label, ...unlabelled } = bags[0] as PatientBag;
    await expect(crossValidate(lr, [unlabelled, ...bags.slice(1)])).rejects.toThrow(/^crossValidate: the label of patient S0 must be 0 or 1, got undefined/);
    await expect(crossValidate(lr, bags.slice(0, 8), { folds: 5 })).rejects.toThrow(
      /^crossValidate: folds must be at most the patients of the smaller class: folds=5 needs at least 5 patients of each class, and there are 5 malignant and 3 reactive, got 5/,
    );
    await expect(crossValidate(lr, bags, { folds: 1 })).rejects.toThrow('crossValidate: folds must be an integer ≥ 2, got 1');
    await expect(crossValidate(lr, bags, { repeats: 0 })).rejects.toThrow('crossValidate: repeats must be an integer ≥ 1, got 0');
    await expect(crossValidate(lr, bags, { threshold: 1 })).rejects.toThrow('crossValidate: threshold must be a finite number > 0 and < 1, got 1');
    await expect(crossValidate(bags as never, bags)).rejects.toThrow('crossValidate: estimator.fit must be a function, got undefined');
    expect(() => mixtureOfExpertsEstimator(model, { validationFraction: 1 })).toThrow(
      'mixtureOfExpertsEstimator: validationFraction must be a finite number ≥ 0 and < 1, got 1',
    );
    expect(() => mixtureOfExpertsEstimator(model, { epochs: 0 })).toThrow('mixtureOfExpertsEstimator: epochs must be an integer ≥ 1, got 0');
    const short: Estimator = { name: 'short', fit: async () => ({ predict: async () => ({ probability: new Float32Array(1) }), dispose() {} }) };
    await expect(crossValidate(short, bags, { folds: 3 })).rejects.toThrow(/crossValidate: the prediction of estimator 'short' must be a probability Float32Array of 10/);
  });
});
