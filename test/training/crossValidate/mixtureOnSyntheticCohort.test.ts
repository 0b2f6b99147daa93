import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MixtureEnsemble, type EnsemblePrediction, type MixtureOfExpertsConfig, type PatientBag } from '../../../src/models/index.js';
import { crossValidate, type CrossValidationResult } from '../../../src/training/crossValidate/index.js';
import { mixtureOfExpertsEstimator } from '../../../src/training/estimator/index.js';
import { PROJECTION_DIM, syntheticBags } from './syntheticBags.js';

/**
 * The image expert sees a random projection of each cell's handmade features (morphology), the scalar expert
 * only the metadata (age, lymphocyte count): two independent, imperfect views. The gated mixture must beat both.
 */
describe('mixture of experts on a synthetic cohort', () => {
  let bags: PatientBag[];
  beforeAll(async () => {
    await tf.setBackend('cpu');
    bags = await syntheticBags({
      seed: 1,
      patientCount: 150,
      imagesPerPatient: { min: 4, max: 5 },
      morphologyEffect: 2,
      metadataEffect: 0.6,
      render: { size: 64 },
    });
  });

  const run = (model: MixtureOfExpertsConfig, keepModels = false): Promise<CrossValidationResult<EnsemblePrediction, MixtureEnsemble>> =>
    crossValidate(
      mixtureOfExpertsEstimator({ imageDim: PROJECTION_DIM, standardizeImages: true, ...model }, { epochs: 40, batchSize: 8, learningRate: 1e-2 }),
      bags,
      { seed: 0, keepModels, folds: 3 },
    );

  it('beats each expert alone (cross-validated AUC and balanced accuracy) with π varying between patients', async () => {
    const image = await run({ experts: ['image'] });
    const scalar = await run({ experts: ['scalar'] });
    const mixture = await run({}, true);
    for (const expert of [image, scalar]) {
      expect(mixture.mean.auc).toBeGreaterThan(expert.mean.auc);
      expect(mixture.mean.balancedAccuracy).toBeGreaterThan(expert.mean.balancedAccuracy);
    }
    expect(image.mean.auc).toBeGreaterThan(0.6); // both experts carry signal of their own
    expect(scalar.mean.auc).toBeGreaterThan(0.6);
    if (mixture.models === null) throw new Error('expected the fold models');
    const ensemble = new MixtureEnsemble(mixture.models.flat());
    const { gate } = await ensemble.predict(bags);
    // the out-of-fold predictions keep the gate of every patient too
    expect(mixture.repeats[0]?.outOfFold.gate).toHaveLength(bags.length);
    const pis = Array.from(gate ?? []);
    expect(pis).toHaveLength(bags.length);
    const mean = pis.reduce((a, b) => a + b, 0) / pis.length;
    const sd = Math.sqrt(pis.reduce((s, v) => s + (v - mean) ** 2, 0) / pis.length);
    expect(sd).toBeGreaterThan(0.01);
    ensemble.dispose();
  });
});
