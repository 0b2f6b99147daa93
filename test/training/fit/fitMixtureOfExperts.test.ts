import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MixtureOfExperts, type PatientBag } from '../../../src/models/index.js';
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
