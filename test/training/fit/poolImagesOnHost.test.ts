import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MixtureOfExperts, type PatientBag } from '../../../src/models/index.js';
import { fitMixtureOfExperts, poolImagesOnHost } from '../../../src/training/fit/index.js';
import { signalBags } from './signalBags.js';

describe('poolImagesOnHost', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('pools each bag to one row (column mean or max) and leaves patients without images alone', () => {
    const bag: PatientBag = { id: 'P1', age: 1, lymphCount: 1, images: { data: Float32Array.of(1, 2, 3, -4), rows: 2, cols: 2 } };
    const noImages: PatientBag = { id: 'P2', age: 1, lymphCount: 1 };
    const [mean, same] = poolImagesOnHost([bag, noImages], 'mean');
    expect(mean?.images).toEqual({ data: Float32Array.of(2, -1), rows: 1, cols: 2 });
    expect(same).toBe(noImages);
    expect(poolImagesOnHost([bag], 'max')[0]?.images?.data).toEqual(Float32Array.of(3, 2));
    expect(bag.images?.rows).toBe(2); // input untouched
    expect(() => poolImagesOnHost([bag], 'attention' as never)).toThrow('poolImagesOnHost: aggregator must be one of "mean", "max", got "attention"');
  });

  it('gives the model the same predictions as pooling the instances, so training is unchanged', async () => {
    const bags = signalBags(12, 21);
    for (const imageAggregator of ['mean', 'max'] as const) {
      const model = new MixtureOfExperts({ imageDim: 6, handmadeDim: 3, imageAggregator, standardizeImages: true, seed: 1 });
      model.adaptNormalization(bags);
      const full = await model.predict(bags);
      const pooled = await model.predict(poolImagesOnHost(bags, imageAggregator));
      full.probability.forEach((p, i) => expect(pooled.probability[i]).toBeCloseTo(p, 5));
      model.dispose();
    }
    const a = new MixtureOfExperts({ imageDim: 6, handmadeDim: 3, seed: 2 });
    const b = new MixtureOfExperts({ imageDim: 6, handmadeDim: 3, seed: 2 });
    const ha = await fitMixtureOfExperts(a, bags, { epochs: 3, batchSize: 4 });
    const hb = await fitMixtureOfExperts(b, bags, { epochs: 3, batchSize: 4, precomputePooling: false });
    ha.epochs.forEach((e, i) => expect(e.loss).toBeCloseTo(hb.epochs[i]?.loss as number, 4));
    a.dispose();
    b.dispose();
  });
});
