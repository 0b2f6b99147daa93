import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EarlyStopping } from '../../../src/training/callbacks/earlyStopping.js';

/** Feeds values and returns the index of the first update that says stop, or −1. */
function stopIndex(stopper: EarlyStopping, values: readonly number[]): number {
  return values.findIndex((v) => stopper.update(v).stop);
}

describe('EarlyStopping', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  afterEach(() => {
    tf.disposeVariables();
  });

  it('defaults: stops on the 10th consecutive epoch without improvement', () => {
    const stopper = new EarlyStopping();
    const values = [1, 0.8, ...Array<number>(10).fill(0.9)];
    expect(stopIndex(stopper, values)).toBe(11);
    expect(stopper.best).toBe(0.8);
    expect(stopper.bestEpoch).toBe(1);
  });

  it('an improvement resets the wait', () => {
    const stopper = new EarlyStopping({ patience: 2 });
    expect(stopIndex(stopper, [3, 4, 2, 4, 4])).toBe(4);
  });

  it('minDelta and mode max', () => {
    const byDelta = new EarlyStopping({ patience: 2, minDelta: 0.1 });
    expect(stopIndex(byDelta, [1, 0.95, 0.92])).toBe(2);
    const byScore = new EarlyStopping({ patience: 2, mode: 'max' });
    expect(stopIndex(byScore, [0.5, 0.6, 0.55, 0.7, 0.7, 0.69])).toBe(5);
    expect(byScore.bestEpoch).toBe(3);
  });

  it('baseline: values not beating it never count as improvements', () => {
    const stopper = new EarlyStopping({ patience: 3, baseline: 0.5 });
    expect(stopIndex(stopper, [0.7, 0.6, 0.55])).toBe(2);
    expect(stopper.bestEpoch).toBe(-1);
    expect(stopper.best).toBe(0.5);
  });

  it('NaN never improves and counts toward patience', () => {
    const stopper = new EarlyStopping({ patience: 2 });
    expect(stopIndex(stopper, [1, Number.NaN, Number.NaN])).toBe(2);
    expect(stopper.best).toBe(1);
  });

  it('restores the best weights of a custom loop (tf.Variables)', () => {
    const w = tf.variable(tf.tensor1d([0]));
    const stopper = new EarlyStopping({ patience: 3 });
    const losses = [0.9, 0.5, 0.7, 0.8, 0.6];
    for (const [epoch, loss] of losses.entries()) {
      w.assign(tf.tensor1d([epoch * 10]));
      if (stopper.update(loss, [w]).stop) break;
    }
    expect(w.dataSync()[0]).toBe(40);
    expect(stopper.restoreBestWeights([w])).toBe(true);
    expect(w.dataSync()[0]).toBe(10); // epoch 1 had the best loss
    stopper.dispose();
    expect(stopper.hasBestWeights).toBe(false);
  });

  it('restoreBestWeights: false keeps no copy; no weights given: restore returns false', () => {
    const w = tf.variable(tf.tensor1d([1]));
    const noCopy = new EarlyStopping({ restoreBestWeights: false });
    const before = tf.memory().numTensors;
    noCopy.update(1, [w]);
    expect(tf.memory().numTensors).toBe(before);
    expect(noCopy.restoreBestWeights([w])).toBe(false);
    const noWeights = new EarlyStopping();
    noWeights.update(1);
    expect(noWeights.hasBestWeights).toBe(false);
  });

  it('reset starts a new run and frees the copy', () => {
    const w = tf.variable(tf.tensor1d([1]));
    const stopper = new EarlyStopping({ patience: 1 });
    stopper.update(1, [w]);
    stopper.update(2, [w]);
    stopper.reset();
    expect(stopper.hasBestWeights).toBe(false);
    expect(stopper.best).toBe(Infinity);
    expect(stopper.update(5).improved).toBe(true);
    expect(stopper.bestEpoch).toBe(0);
  });

  it('rejects invalid options', () => {
    expect(() => new EarlyStopping({ patience: 0 })).toThrow('EarlyStopping: patience must be an integer ≥ 1, got 0');
    expect(() => new EarlyStopping({ minDelta: -0.1 })).toThrow('EarlyStopping: minDelta must be a finite number ≥ 0, got -0.1');
    expect(() => new EarlyStopping({ mode: 'auto' as 'min' })).toThrow('EarlyStopping: mode must be one of "min", "max", got "auto"');
    expect(() => new EarlyStopping({ baseline: Number.NaN })).toThrow('EarlyStopping: baseline must be a number or undefined, got NaN');
  });

  it('does not leak: one copy of the weights at a time', () => {
    const a = tf.variable(tf.tensor1d([1, 2]));
    const b = tf.variable(tf.tensor1d([3]));
    const before = tf.memory().numTensors;
    const stopper = new EarlyStopping({ patience: 50 });
    for (let epoch = 0; epoch < 20; epoch++) stopper.update(100 - epoch, [a, b]); // improves every epoch
    expect(tf.memory().numTensors).toBe(before + 2);
    stopper.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
