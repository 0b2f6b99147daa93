import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MixtureOfExperts, type PatientBag } from '../../../src/models/index.js';
import { fitLogisticRegression } from '../../../src/training/baselines/index.js';
import { fitMixtureOfExperts, type EpochLog } from '../../../src/training/fit/index.js';
import { signalBags } from './signalBags.js';

const config = { imageDim: 6, handmadeDim: 3, handmadeUnits: 4, scalarUnits: 4, seed: 5 };

describe('fitMixtureOfExperts', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('learns a separable task: the training loss falls and patients are ranked correctly', async () => {
    const train = signalBags(30, 1);
    const model = new MixtureOfExperts(config);
    const history = await fitMixtureOfExperts(model, train, { epochs: 15, batchSize: 6, learningRate: 1e-2 });
    const first = history.epochs[0]?.loss as number;
    const last = history.epochs.at(-1)?.loss as number;
    expect(last).toBeLessThan(first * 0.8);
    const { probability } = await model.predict(train);
    const mean = (label: number): number => {
      const values = train.flatMap((b, i) => (b.label === label ? [probability[i] as number] : []));
      return values.reduce((a, b) => a + b, 0) / values.length;
    };
    expect(mean(1)).toBeGreaterThan(mean(0) + 0.2);
    expect(history.classWeights.negative).toBeCloseTo(30 / (2 * 10), 6);
    model.dispose();
  });

  it('restores the weights of the best validation epoch (early stopping)', async () => {
    const train = signalBags(18, 2);
    const validation = signalBags(9, 3).map((b) => ({ ...b, label: (1 - (b.label as number)) as 0 | 1 })); // flipped: val loss rises
    const model = new MixtureOfExperts(config);
    const snapshots: tf.Tensor[][] = [];
    const logs: EpochLog[] = [];
    const history = await fitMixtureOfExperts(model, train, {
      validation,
      epochs: 40,
      batchSize: 6,
      learningRate: 1e-2,
      patience: 3,
      onEpochEnd: (log) => {
        logs.push(log);
        snapshots.push(model.getWeights());
      },
    });
    expect(history.stoppedEarly).toBe(true);
    expect(history.epochs.length).toBeLessThan(40);
    const losses = logs.map((l) => l.validationLoss as number);
    expect(history.bestEpoch).toBe(losses.indexOf(Math.min(...losses)));
    const restored = model.getWeights();
    const best = snapshots[history.bestEpoch] as tf.Tensor[];
    restored.forEach((w, i) => expect(Array.from(w.dataSync())).toEqual(Array.from((best[i] as tf.Tensor).dataSync())));
    tf.dispose([...restored, ...snapshots.flat()]);
    model.dispose();
  });

  it('reduces the learning rate ×0.1 after 5 epochs without improvement', async () => {
    const train = signalBags(12, 4);
    const validation = signalBags(6, 5).map((b) => ({ ...b, label: (1 - (b.label as number)) as 0 | 1 }));
    const model = new MixtureOfExperts(config);
    const history = await fitMixtureOfExperts(model, train, { validation, epochs: 20, batchSize: 6, learningRate: 1e-2, patience: 30 });
    const rates = history.epochs.map((e) => e.learningRate);
    const losses = history.epochs.map((e) => e.validationLoss as number);
    expect(rates[0]).toBe(1e-2);
    const reduced = rates.findIndex((r) => Math.abs(r - 1e-3) < 1e-12);
    expect(reduced).toBeGreaterThan(0);
    // the best loss (improvements by more than ReduceLROnPlateau's minDelta 1e-4) came 6 epochs before the reduction
    let best = Infinity;
    let bestEpoch = -1;
    losses.slice(0, reduced).forEach((loss, epoch) => {
      if (loss < best - 1e-4) {
        best = loss;
        bestEpoch = epoch;
      }
    });
    expect(reduced - bestEpoch).toBe(6);
    model.dispose();
  });

  it('a ragged mini-batch of 4 equals batch size 1 with 4 accumulated steps', async () => {
    const train = signalBags(8, 6);
    const a = new MixtureOfExperts(config);
    const b = new MixtureOfExperts(config);
    await fitMixtureOfExperts(a, train, { epochs: 1, batchSize: 4, seed: 3 });
    await fitMixtureOfExperts(b, train, { epochs: 1, batchSize: 1, accumulationSteps: 4, seed: 3 });
    const wa = a.getWeights();
    const wb = b.getWeights();
    wa.forEach((w, i) => {
      const diff = tf.max(tf.abs(tf.sub(w, wb[i] as tf.Tensor))).dataSync()[0] as number;
      expect(diff).toBeLessThan(1e-5);
    });
    tf.dispose([...wa, ...wb]);
    a.dispose();
    b.dispose();
  });

  it('reports progress per mini-batch and stops when onEpochEnd returns true', async () => {
    const train = signalBags(10, 7);
    const model = new MixtureOfExperts(config);
    const progress: number[] = [];
    const history = await fitMixtureOfExperts(model, train, {
      epochs: 5,
      batchSize: 4,
      onProgress: (p) => progress.push(p.batch),
      onEpochEnd: (log) => log.epoch === 1,
    });
    expect(history.epochs).toHaveLength(2);
    expect(progress).toEqual([1, 2, 3, 1, 2, 3]);
    model.dispose();
  });

  it('l2 = 1/(C·n) makes a converged linear scalar expert the logistic regression of strength C', async () => {
    // One image per patient: the per-image standardisation is then the per-patient one of fitLogisticRegression,
    // and the objective of the full-batch loss + (l2/2)‖W‖² is scikit-learn's divided by C·n.
    const bags = signalBags(24, 11).map(({ images: _images, ...b }): PatientBag => {
      const h = b.handmade as { data: Float32Array; cols: number };
      return { ...b, handmade: { data: h.data.slice(0, h.cols), rows: 1, cols: h.cols } };
    });
    const c = 0.5;
    const model = new MixtureOfExperts({ experts: ['scalar'], handmadeDim: 3, handmadeUnits: 0, scalarUnits: 0, seed: 1 });
    const fitOptions = { epochs: 400, batchSize: bags.length, learningRate: 0.05, weightDecay: 0, patience: 400, plateau: { patience: 400 } };
    await fitMixtureOfExperts(model, bags, { ...fitOptions, l2: 1 / (c * bags.length) });
    const rows = bags.map((b) => [...Array.from((b.handmade as { data: Float32Array }).data), b.age, Math.log1p(b.lymphCount)]);
    const reference = fitLogisticRegression(rows, bags.map((b) => b.label as number), { c });
    const expected = reference.predictProbability(rows);
    const { probability } = await model.predict(bags);
    const worst = Math.max(...Array.from(probability, (p, i) => Math.abs(p - (expected[i] as number))));
    expect(worst).toBeLessThan(2e-3);
    // without the penalty the same training ends elsewhere (the test can fail)
    const free = new MixtureOfExperts({ experts: ['scalar'], handmadeDim: 3, handmadeUnits: 0, scalarUnits: 0, seed: 1 });
    await fitMixtureOfExperts(free, bags, fitOptions);
    const unpenalised = (await free.predict(bags)).probability;
    expect(Math.max(...Array.from(unpenalised, (p, i) => Math.abs(p - (expected[i] as number))))).toBeGreaterThan(0.02);
    model.dispose();
    free.dispose();
    await expect(fitMixtureOfExperts(model, bags, { l2: -1 })).rejects.toThrow(/l2 must be finite and ≥ 0, got -1/);
  });

  it('leaks no tensor over an epoch (optimizer state and snapshots freed)', async () => {
    const train = signalBags(10, 8);
    const model = new MixtureOfExperts({ ...config, imageAggregator: 'attention' });
    const before = tf.memory().numTensors;
    await fitMixtureOfExperts(model, train, { validation: signalBags(4, 9), epochs: 2, batchSize: 3, accumulationSteps: 2 });
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('rejects unlabelled patients, a missing class and bad options', async () => {
    const model = new MixtureOfExperts(config);
    const train = signalBags(6, 10);
    const { label: _label, ...unlabelled } = train[0] as PatientBag;
    await expect(fitMixtureOfExperts(model, [unlabelled, ...train.slice(1)])).rejects.toThrow(/patient S0 has no label/);
    await expect(fitMixtureOfExperts(model, train.filter((b) => b.label === 1))).rejects.toThrow(/both classes must be present/);
    await expect(fitMixtureOfExperts(model, train, { batchSize: 0 })).rejects.toThrow(/batchSize must be an integer ≥ 1, got 0/);
    await expect(fitMixtureOfExperts(model, [])).rejects.toThrow(/at least one training patient/);
    model.dispose();
  });
});
