import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ReduceLROnPlateauCallback } from '../../../src/training/callbacks/reduceLROnPlateauCallback.js';
import { AdamW } from '../../../src/training/optimizers/adamW.js';

function setValLoss(values: readonly number[]): tf.CustomCallback {
  return new tf.CustomCallback({
    onEpochEnd: (epoch, logs) => {
      if (logs) logs['val_loss'] = values[epoch] as number;
    },
  });
}

describe('ReduceLROnPlateauCallback', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  afterEach(() => {
    tf.disposeVariables();
  });

  it('reduces the AdamW learning rate of model.fit on a plateau', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
    const optimizer = new AdamW({ learningRate: 1e-3 });
    model.compile({ optimizer, loss: 'meanSquaredError' });
    const x = tf.tensor2d([[0, 1], [1, 0]]);
    const y = tf.tensor2d([[1], [0]]);
    const callback = new ReduceLROnPlateauCallback({ patience: 2 });
    await model.fit(x, y, {
      epochs: 7,
      validationData: [x, y],
      verbose: 0,
      callbacks: [setValLoss([1, 1, 1, 0.5, 0.6, 0.7, 0.8]), callback],
    });
    expect(callback.history.map((d) => d.reduced)).toEqual([false, false, true, false, false, true, false]);
    expect(optimizer.learningRate).toBeCloseTo(1e-5, 12);
    optimizer.dispose();
    model.dispose();
    tf.dispose([x, y]);
  });

  it('works with tfjs built-in optimizers and a custom monitor key (mode max)', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
    const sgd = tf.train.sgd(0.2);
    model.compile({ optimizer: sgd, loss: 'meanSquaredError' });
    const x = tf.tensor2d([[1], [2]]);
    const y = tf.tensor2d([[1], [2]]);
    const callback = new ReduceLROnPlateauCallback({ monitor: 'score', mode: 'max', patience: 1, factor: 0.5 });
    const setScore = new tf.CustomCallback({
      onEpochEnd: (_epoch, logs) => {
        if (logs) logs['score'] = 0.7;
      },
    });
    await model.fit(x, y, { epochs: 3, verbose: 0, callbacks: [setScore, callback] });
    expect((sgd as unknown as { learningRate: number }).learningRate).toBeCloseTo(0.05, 12);
    model.dispose();
    tf.dispose([x, y]);
  });

  it('validates options at construction and fails on a missing monitor key', async () => {
    expect(() => new ReduceLROnPlateauCallback({ factor: 2 })).toThrow('ReduceLROnPlateau: factor must be a finite number > 0 and < 1, got 2');
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    const x = tf.tensor2d([[1]]);
    await expect(model.fit(x, x, { epochs: 1, verbose: 0, callbacks: [new ReduceLROnPlateauCallback()] })).rejects.toThrow(
      /ReduceLROnPlateauCallback: 'val_loss' is not in the epoch logs/,
    );
    model.dispose();
    x.dispose();
  });
});
