import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WeightSnapshot } from '../../../src/training/callbacks/weightSnapshot.js';

describe('WeightSnapshot', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  afterEach(() => {
    tf.disposeVariables();
  });

  it('captures variables and restores them after an optimizer changed them', () => {
    const a = tf.variable(tf.tensor1d([1, 2]));
    const b = tf.variable(tf.tensor2d([[3]]));
    const snapshot = WeightSnapshot.capture([a, b]);
    tf.train.sgd(1).minimize(() => tf.add(tf.sum(a), tf.sum(b)) as tf.Scalar);
    expect(Array.from(a.dataSync())).toEqual([0, 1]);
    snapshot.restore([a, b]);
    expect(Array.from(a.dataSync())).toEqual([1, 2]);
    expect(Array.from(b.dataSync())).toEqual([3]);
    // still valid after a restore
    a.assign(tf.tensor1d([9, 9]));
    snapshot.restore([a, b]);
    expect(Array.from(a.dataSync())).toEqual([1, 2]);
    snapshot.dispose();
    expect(snapshot.isDisposed).toBe(true);
  });

  it('captures and restores a LayersModel', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
    const original = model.getWeights().map((w) => Array.from(w.dataSync()));
    const snapshot = WeightSnapshot.capture(model);
    expect(snapshot.size).toBe(2);
    model.setWeights(model.getWeights().map((w) => tf.zerosLike(w)));
    snapshot.restore(model);
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(original);
    snapshot.dispose();
    model.dispose();
  });

  it('a snapshot taken inside tf.tidy survives the tidy', () => {
    const v = tf.variable(tf.tensor1d([5]));
    let snapshot: WeightSnapshot | undefined;
    tf.tidy(() => {
      snapshot = WeightSnapshot.capture([v]);
    });
    if (snapshot === undefined) throw new Error('not captured');
    v.assign(tf.tensor1d([0]));
    snapshot.restore([v]);
    expect(v.dataSync()[0]).toBe(5);
    snapshot.dispose();
  });

  it('rejects a target with another layout and a disposed snapshot', () => {
    const v = tf.variable(tf.tensor1d([1, 2]));
    const w = tf.variable(tf.tensor1d([1, 2, 3]));
    const snapshot = WeightSnapshot.capture([v]);
    expect(() => snapshot.restore([v, w])).toThrow(/WeightSnapshot.restore: expected 1 weights, the target has 2/);
    expect(() => snapshot.restore([w])).toThrow(/weight 0 is float32\[3\], the snapshot holds float32\[2\]/);
    snapshot.dispose();
    expect(() => snapshot.restore([v])).toThrow(/the snapshot has been disposed/);
  });

  it('does not leak: capture holds one tensor per weight, dispose frees them', () => {
    const v = tf.variable(tf.tensor1d([1, 2]));
    const w = tf.variable(tf.tensor1d([3]));
    const before = tf.memory().numTensors;
    const snapshot = WeightSnapshot.capture([v, w]);
    expect(tf.memory().numTensors).toBe(before + 2);
    snapshot.restore([v, w]);
    expect(tf.memory().numTensors).toBe(before + 2);
    snapshot.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
