import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { ProgressEvent } from '../../../src/core/index.js';
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
      onProgress: (event) => {
        logs.push(event.detail);
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

  it('reports one progress event per epoch (the epoch log), ignores what the listener returns, and stops on abort', async () => {
    const train = signalBags(10, 7);
    const model = new MixtureOfExperts(config);
    const events: ProgressEvent<EpochLog>[] = [];
    const history = await fitMixtureOfExperts(model, train, {
      epochs: 3,
      batchSize: 4,
      patience: 100,
      onProgress: (event) => events.push(event) as unknown as void, // a truthy return is not a stop signal
    });
    expect(history.epochs).toHaveLength(3);
    expect(events.map((e) => [e.stage, e.done, e.total])).toEqual([
      ['training', 1, 3],
      ['training', 2, 3],
      ['training', 3, 3],
    ]);
    expect(events.map((e) => e.detail)).toEqual(history.epochs);
    const controller = new AbortController();
    const before = tf.memory().numTensors;
    const run = fitMixtureOfExperts(model, train, {
      epochs: 5,
      batchSize: 4,
      signal: controller.signal,
      onProgress: () => controller.abort(new Error('stop now')),
    });
    await expect(run).rejects.toThrow('stop now');
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('l2 = 1/(C·n) makes a converged linear scalar expert the logistic regression of strength C on its inputs', async () => {
    // Several images per patient: the model's inputs are the per-patient means of the image-standardised features
    // and the patient-standardised metadata; the full-batch loss + (l2/2)‖W‖² is scikit-learn's objective / (C·n).
    const bags = signalBags(24, 11).map(({ images: _images, ...b }): PatientBag => b);
    const c = 0.5;
    const model = new MixtureOfExperts({ experts: ['scalar'], handmadeDim: 3, handmadeUnits: 0, scalarUnits: 0, seed: 1 });
    const fitOptions = { epochs: 400, batchSize: bags.length, learningRate: 0.05, weightDecay: 0, patience: 400, plateau: { patience: 400 } };
    await fitMixtureOfExperts(model, bags, { ...fitOptions, l2: 1 / (c * bags.length) });
    // the same inputs by hand (biased sd, as Standardize)
    const standardizer = (values: number[]): ((v: number) => number) => {
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
      return (v) => (v - mean) / sd;
    };
    const column = (b: PatientBag, j: number): number[] => {
      const h = b.handmade as { data: Float32Array; rows: number; cols: number };
      return Array.from({ length: h.rows }, (_, r) => h.data[r * h.cols + j] as number);
    };
    const perImage = [0, 1, 2].map((j) => standardizer(bags.flatMap((b) => column(b, j))));
    const age = standardizer(bags.map((b) => b.age));
    const count = standardizer(bags.map((b) => Math.log1p(b.lymphCount)));
    const rows = bags.map((b) => [
      ...[0, 1, 2].map((j) => column(b, j).map(perImage[j]!).reduce((a, v) => a + v, 0) / column(b, j).length),
      age(b.age),
      count(Math.log1p(b.lymphCount)),
    ]);
    const labels = bags.map((b) => b.label as number);
    const expected = fitLogisticRegression(rows, labels, { c, standardize: false }).predictProbability(rows);
    const { probability } = await model.predict(bags);
    const gap = (p: ArrayLike<number>, q: ArrayLike<number>): number => Math.max(...Array.from(p, (v, i) => Math.abs(v - (q[i] as number))));
    expect(gap(probability, expected)).toBeLessThan(1e-4);
    // without the penalty the same training ends elsewhere (the test can fail) ...
    const free = new MixtureOfExperts({ experts: ['scalar'], handmadeDim: 3, handmadeUnits: 0, scalarUnits: 0, seed: 1 });
    await fitMixtureOfExperts(free, bags, fitOptions);
    expect(gap((await free.predict(bags)).probability, expected)).toBeGreaterThan(0.02);
    // ... and a regression that standardises the patient means themselves is another model
    const perPatient = fitLogisticRegression(rows, labels, { c }).predictProbability(rows);
    expect(gap(perPatient, expected)).toBeGreaterThan(0.01);
    model.dispose();
    free.dispose();
    await expect(fitMixtureOfExperts(model, bags, { l2: -1 })).rejects.toThrow('fitMixtureOfExperts: l2 must be a finite number ≥ 0, got -1');
  });

  it('adds the l2 penalty to the training loss only, not to the monitored validation loss', async () => {
    const bags = signalBags(12, 12);
    const model = new MixtureOfExperts({ ...config, multitask: false });
    const kernels = model.trainableVariables.filter((v) => v.rank >= 2);
    const penalty = (5 / 2) * kernels.reduce((s, k) => s + tf.tidy(() => tf.sum(tf.square(k)).dataSync()[0] as number), 0);
    // a vanishing learning rate keeps the weights (so both losses see the same model) and one batch is the epoch
    const history = await fitMixtureOfExperts(model, bags, { validation: bags, epochs: 1, batchSize: 12, learningRate: 1e-12, l2: 5 });
    const log = history.epochs[0] as EpochLog;
    expect(log.loss - (log.validationLoss as number)).toBeCloseTo(penalty, 3);
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

  it('leaks no tensor when the validation loss or a training step throws', async () => {
    const train = signalBags(10, 13);
    const model = new MixtureOfExperts(config);
    const before = tf.memory().numTensors;
    // one training batch per epoch, then the validation pass: its forward pass throws
    const real = model.call.bind(model);
    let calls = 0;
    const call = vi.spyOn(model, 'call').mockImplementation((batch) => {
      calls++;
      if (calls === 2) throw new Error('validation forward failed');
      return real(batch);
    });
    await expect(fitMixtureOfExperts(model, train, { validation: signalBags(4, 14), epochs: 2, batchSize: 10 })).rejects.toThrow(
      'validation forward failed',
    );
    expect(tf.memory().numTensors).toBe(before);
    call.mockRestore();
    // reading the validation loss fails
    let reads = 0;
    const realData = tf.Tensor.prototype.data;
    const data = vi.spyOn(tf.Tensor.prototype, 'data').mockImplementation(function (this: tf.Tensor) {
      reads++;
      if (reads === 2) return Promise.reject(new Error('read failed'));
      return realData.call(this) as never;
    });
    await expect(fitMixtureOfExperts(model, train, { validation: signalBags(4, 14), epochs: 2, batchSize: 10 })).rejects.toThrow('read failed');
    data.mockRestore();
    expect(tf.memory().numTensors).toBe(before);
    // a training step throws
    const step = vi.spyOn(model, 'call').mockImplementation(() => {
      throw new Error('training forward failed');
    });
    await expect(fitMixtureOfExperts(model, train, { epochs: 1, batchSize: 5 })).rejects.toThrow('training forward failed');
    step.mockRestore();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('rejects unlabelled patients, a missing class and bad options', async () => {
    const model = new MixtureOfExperts(config);
    const train = signalBags(6, 10);
    const { label: _label, ...unlabelled } = train[0] as PatientBag;
    await expect(fitMixtureOfExperts(model, [unlabelled, ...train.slice(1)])).rejects.toThrow('fitMixtureOfExperts: the label of patient S0 must be 0 or 1, got undefined');
    await expect(fitMixtureOfExperts(model, train.filter((b) => b.label === 1))).rejects.toThrow('fitMixtureOfExperts: train must be patients of both classes, got "4 malignant and 0 reactive"');
    await expect(fitMixtureOfExperts(model, train, { batchSize: 0 })).rejects.toThrow('fitMixtureOfExperts: batchSize must be an integer ≥ 1, got 0');
    await expect(fitMixtureOfExperts(model, [])).rejects.toThrow('fitMixtureOfExperts: train must be an array with at least 1 element, got an array of 0');
    model.dispose();
  });
});
