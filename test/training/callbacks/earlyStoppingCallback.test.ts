import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EarlyStoppingCallback } from '../../../src/training/callbacks/earlyStoppingCallback.js';

/** A callback placed before the one under test that overwrites `val_loss` with scripted values and records weights. */
function scripted(values: readonly number[], kernels: number[][], model: () => tf.LayersModel): tf.CustomCallback {
  return new tf.CustomCallback({
    onEpochEnd: (epoch, logs) => {
      if (logs) logs['val_loss'] = values[epoch] as number;
      kernels.push(Array.from((model().getWeights()[0] as tf.Tensor).dataSync()));
    },
  });
}

function makeData(): { x: tf.Tensor; y: tf.Tensor } {
  return { x: tf.tensor2d([[0, 1], [1, 0], [1, 1], [0, 0]]), y: tf.tensor2d([[1], [0], [1], [0]]) };
}

describe('EarlyStoppingCallback', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  afterEach(() => {
    tf.disposeVariables();
  });

  it('stops model.fit after `patience` bad epochs and restores the best epoch weights', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    const { x, y } = makeData();
    const kernels: number[][] = [];
    const stopper = new EarlyStoppingCallback({ patience: 3 });
    const history = await model.fit(x, y, {
      epochs: 20,
      validationData: [x, y],
      verbose: 0,
      callbacks: [scripted([1, 0.5, 0.6, 0.7, 0.8, 0.1], kernels, () => model), stopper],
    });
    expect(history.epoch).toEqual([0, 1, 2, 3, 4]);
    expect(stopper.stoppedEpoch).toBe(4);
    expect(stopper.stopper.best).toBe(0.5);
    expect(stopper.stopper.bestEpoch).toBe(1);
    expect(Array.from((model.getWeights()[0] as tf.Tensor).dataSync())).toEqual(kernels[1]);
    expect(kernels[4]).not.toEqual(kernels[1]);
    expect(stopper.stopper.hasBestWeights).toBe(false); // freed at the end of training
    model.dispose();
    tf.dispose([x, y]);
  });

  it('restores the best weights also when all epochs run', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    const { x, y } = makeData();
    const kernels: number[][] = [];
    const stopper = new EarlyStoppingCallback({ monitor: 'val_loss' });
    await model.fit(x, y, { epochs: 4, validationData: [x, y], verbose: 0, callbacks: [scripted([3, 1, 2, 2], kernels, () => model), stopper] });
    expect(stopper.stoppedEpoch).toBe(-1);
    expect(Array.from((model.getWeights()[0] as tf.Tensor).dataSync())).toEqual(kernels[1]);
    model.dispose();
    tf.dispose([x, y]);
  });

  it('a missing monitor key fails with the available keys', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    const { x, y } = makeData();
    await expect(model.fit(x, y, { epochs: 2, verbose: 0, callbacks: [new EarlyStoppingCallback()] })).rejects.toThrow(
      /EarlyStoppingCallback: 'val_loss' is not in the epoch logs \(available: loss\)/,
    );
    model.dispose();
    tf.dispose([x, y]);
  });

  it('does not leak tensors across a fit', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    const { x, y } = makeData();
    await model.fit(x, y, { epochs: 1, validationData: [x, y], verbose: 0 }); // warm-up
    const before = tf.memory().numTensors;
    await model.fit(x, y, { epochs: 6, validationData: [x, y], verbose: 0, callbacks: [new EarlyStoppingCallback({ patience: 2 })] });
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    tf.dispose([x, y]);
  });
});
