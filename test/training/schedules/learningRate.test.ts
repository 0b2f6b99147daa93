import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdamW } from '../../../src/training/optimizers/adamW.js';
import { getLearningRate, setLearningRate } from '../../../src/training/schedules/learningRate.js';

describe('getLearningRate / setLearningRate', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  afterEach(() => {
    tf.disposeVariables();
  });

  it('reads and writes AdamW and tfjs adam / rmsprop', () => {
    for (const optimizer of [new AdamW({ learningRate: 0.01 }), tf.train.adam(0.01), tf.train.rmsprop(0.01)]) {
      expect(getLearningRate(optimizer)).toBe(0.01);
      setLearningRate(optimizer, 0.001);
      expect(getLearningRate(optimizer)).toBe(0.001);
      optimizer.dispose();
    }
  });

  it('the new rate is used by the next step (tfjs sgd caches −η in a tensor)', () => {
    const w = tf.variable(tf.tensor1d([1]));
    const sgd = tf.train.sgd(1);
    setLearningRate(sgd, 0.25);
    sgd.minimize(() => tf.sum(w) as tf.Scalar);
    expect(w.dataSync()[0]).toBeCloseTo(0.75, 6);
    const adam = tf.train.adam(0.5);
    setLearningRate(adam, 0.125);
    adam.minimize(() => tf.sum(w) as tf.Scalar);
    expect(w.dataSync()[0]).toBeCloseTo(0.625, 5); // the first Adam step is η·sign(g)
    sgd.dispose();
    adam.dispose();
  });

  it('rejects invalid rates and optimizers without a learning rate', () => {
    const adam = tf.train.adam(0.1);
    expect(() => setLearningRate(adam, -1)).toThrow('setLearningRate: learningRate must be a finite number > 0, got -1');
    const fake = { getClassName: () => 'Fake' } as unknown as tf.Optimizer;
    expect(() => getLearningRate(fake)).toThrow(/getLearningRate: optimizer Fake has no numeric learningRate/);
    expect(() => setLearningRate(fake, 0.1)).toThrow(TypeError);
    adam.dispose();
  });
});
