import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/core/index.js';
import { FEATURE_NAMES } from '../../src/features/cell/index.js';
import { checkFiniteBags, createMixtureBatch, MixtureEnsemble, MixtureOfExperts, type PatientBag } from '../../src/models/index.js';
import { fitLogisticRegression, logisticRegressionEstimator } from '../../src/training/baselines/index.js';
import { crossValidate } from '../../src/training/crossValidate/index.js';
import { fitMixtureOfExperts } from '../../src/training/fit/index.js';
import { signalBags } from '../training/fit/signalBags.js';

const config = { imageDim: 6, handmadeDim: 3, handmadeUnits: 4, scalarUnits: 4, seed: 5 };

/** `bags` with one value replaced: `field` of patient `p`, flat index `k` of the matrix. */
function poisoned(bags: PatientBag[], p: number, field: 'images' | 'handmade', k: number, value: number): PatientBag[] {
  return bags.map((b, i) => {
    if (i !== p) return b;
    const m = b[field]!;
    const data = Float32Array.from(m.data);
    data[k] = value;
    return { ...b, [field]: { ...m, data } };
  });
}

async function rejection(run: () => unknown): Promise<Error> {
  try {
    await run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('non-finite inputs at the public boundary: the patient and the field are named', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('names the handmade feature by its name, and the usable image', () => {
    const bag: PatientBag = {
      id: 'P12',
      age: 60,
      lymphCount: 5,
      handmade: { data: new Float32Array(4 * FEATURE_NAMES.length), rows: 4, cols: FEATURE_NAMES.length },
    };
    const j = FEATURE_NAMES.indexOf('solidity' as (typeof FEATURE_NAMES)[number]);
    expect(j).toBeGreaterThanOrEqual(0);
    bag.handmade!.data[3 * FEATURE_NAMES.length + j] = Number.NaN;
    expect(() => checkFiniteBags('f', [bag])).toThrow("f: patient P12, handmade feature 'solidity' of usable image 3 must be a finite number, got NaN");
    expect(() => checkFiniteBags('f', [bag], { handmade: false })).not.toThrow();
    expect(() => checkFiniteBags('f', [{ id: 'P1', age: Number.POSITIVE_INFINITY, lymphCount: 1 }])).toThrow('patient P1, age');
  });

  it('createMixtureBatch checks the matrices it packs (and only those)', () => {
    const bags = poisoned(signalBags(4, 1), 2, 'images', 7, Number.NaN);
    expect(() => createMixtureBatch(bags, { imageDim: 6 })).toThrow(/^createMixtureBatch: patient S2, embedding value 1 of image 1 must be a finite number, got NaN/);
    const before = tf.memory().numTensors;
    const batch = createMixtureBatch(bags, { handmadeDim: 3 });
    expect(batch.size).toBe(4);
    batch.metadata.dispose();
    batch.handmade?.instances.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('fitMixtureOfExperts with adaptNormalization off refuses a NaN feature instead of training to a NaN loss', async () => {
    const train = poisoned(signalBags(12, 1), 5, 'handmade', 4, Number.NaN);
    const model = new MixtureOfExperts(config);
    const before = tf.memory().numTensors;
    const error = await rejection(() => fitMixtureOfExperts(model, train, { epochs: 2, adaptNormalization: false }));
    expect(error).toBeInstanceOf(ArgumentError);
    expect(error.message).toMatch(/^fitMixtureOfExperts: patient S5, handmade feature 1 of usable image 1 must be a finite number, got NaN/);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('fitMixtureOfExperts refuses an Infinity in a validation patient (it gave a NaN validation loss)', async () => {
    const model = new MixtureOfExperts(config);
    const validation = poisoned(signalBags(6, 2), 3, 'images', 0, Number.POSITIVE_INFINITY);
    const error = await rejection(() => fitMixtureOfExperts(model, signalBags(12, 1), { epochs: 1, validation }));
    expect(error.message).toMatch(/^fitMixtureOfExperts: patient S3, embedding value 0 of image 0 must be a finite number, got Infinity/);
    model.dispose();
  });

  it('MixtureOfExperts.predict and adaptNormalization refuse a NaN (no NaN probability)', async () => {
    const model = new MixtureOfExperts(config);
    const bags = poisoned(signalBags(5, 3), 4, 'handmade', 2, Number.NaN);
    const error = await rejection(() => model.predict(bags));
    expect(error.message).toMatch(/^MixtureOfExperts\.predict: patient S4, handmade feature 2 of usable image 0/);
    expect(() => model.adaptNormalization(bags)).toThrow(/^MixtureOfExperts\.adaptNormalization: patient S4, handmade feature 2/);
    const ensemble = new MixtureEnsemble([model]);
    await expect(ensemble.predict(bags)).rejects.toThrow(/^MixtureEnsemble\.predict: patient S4, handmade feature 2 of usable image 0/);
    model.dispose();
  });

  it('crossValidate and the logistic-regression estimator name the patient', async () => {
    const bags = poisoned(signalBags(12, 4), 7, 'handmade', 5, Number.NaN);
    const error = await rejection(() => crossValidate(logisticRegressionEstimator(), bags, { folds: 2 }));
    expect(error.message).toMatch(/^crossValidate: patient S7, handmade feature 2 of usable image 1/);
    const fitted = await logisticRegressionEstimator().fit(signalBags(12, 4), { seed: 0 });
    await expect(fitted.predict(bags)).rejects.toThrow(/^FittedLogisticRegression\.predict: patient S7, handmade feature 2 of usable image 1/);
    await expect(logisticRegressionEstimator().fit(bags, { seed: 0 })).rejects.toThrow(/^logisticRegressionEstimator: patient S7/);
  });

  it('LogisticRegressionModel.predictProbability refuses a non-finite value instead of returning NaN', () => {
    const model = fitLogisticRegression([[0], [1], [2], [3]], [0, 0, 1, 1]);
    expect(() => model.predictProbability([[1], [Number.NaN]])).toThrow(
      'LogisticRegressionModel.predictProbability: rows[1][0] must be a finite number, got NaN',
    );
    expect(() => fitLogisticRegression([[0], [Number.NaN], [2], [3]], [0, 0, 1, 1])).toThrow('fitLogisticRegression: rows[1][0] must be a finite number');
  });
});
