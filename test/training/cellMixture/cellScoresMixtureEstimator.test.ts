import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cellScoresMixtureEstimator, loadCellScoresMixture, type CellScoreStageState } from '../../../src/training/cellMixture/index.js';
import { logisticInstanceLearner } from '../../../src/training/cellScores/index.js';
import { balancedAccuracy } from '../../../src/training/metrics/index.js';
import { plantedBags } from '../cellScores/plantedBags.js';

const FAST = { epochs: 30 };

describe('cellScoresMixtureEstimator', () => {
  const train = plantedBags(40, { seed: 5 });
  const test = plantedBags(20, { seed: 6 });
  const labels = test.map((b) => b.label!);

  it('learns the planted per-cell signal, with a gate π per patient and each expert', async () => {
    const estimator = cellScoresMixtureEstimator({ learner: logisticInstanceLearner({ c: 1 }), fit: FAST });
    expect(estimator.name).toBe('cell-scores-mixture(logistic(C=1), sigmoid, multitask)');
    const model = await estimator.fit(train, { seed: 0 });
    try {
      const p = await model.predict(test);
      expect(p.probability).toHaveLength(20);
      expect(balancedAccuracy(labels, Array.from(p.probability))).toBeGreaterThan(0.8);
      expect(p.gate).toHaveLength(20);
      for (const g of p.gate!) expect(g > 0 && g < 1).toBe(true);
      expect(new Set(Array.from(p.gate!, (g) => g.toFixed(5))).size).toBeGreaterThan(1); // π varies between patients
      expect(balancedAccuracy(labels, Array.from(p.experts.cells!))).toBeGreaterThan(0.8);
      expect(p.experts.metadata).toHaveLength(20);
      expect(p.lymphCount).toHaveLength(20);
    } finally {
      model.dispose();
    }
  });

  it('stagewise: fits each expert alone, freezes it in the mixture and trains the gate', async () => {
    const estimator = cellScoresMixtureEstimator({ learner: logisticInstanceLearner({ c: 1 }), training: 'stagewise', fit: { epochs: 100 } });
    expect(estimator.name).toContain('stagewise');
    const model = await estimator.fit(train, { seed: 0 });
    try {
      const p = await model.predict(test);
      // Each expert was trained on its own loss, so each alone classifies (the joint mixture does not promise that).
      expect(balancedAccuracy(labels, Array.from(p.experts.cells!))).toBeGreaterThan(0.8);
      expect(balancedAccuracy(labels, Array.from(p.probability))).toBeGreaterThan(0.8);
      expect(new Set(Array.from(p.gate!, (g) => g.toFixed(5))).size).toBeGreaterThan(1);
      expect(model.mixture.members[0]!.trainableVariables.length).toBeGreaterThan(0); // unfrozen after the fit
    } finally {
      model.dispose();
    }
    expect(() => cellScoresMixtureEstimator({ training: 'stagewise', fit: { validationFraction: 0.2 } })).toThrow(/cellScoresMixtureEstimator.*options\.fit/);
    expect(() => cellScoresMixtureEstimator({ training: 'both' as never })).toThrow(/cellScoresMixtureEstimator.*options\.training/);
  });

  it('has no gate without one: concat, or a single expert', async () => {
    for (const mixture of [{ combination: 'concat' as const }, { experts: ['image' as const], multitask: false }]) {
      const model = await cellScoresMixtureEstimator({ learner: logisticInstanceLearner(), mixture, fit: FAST }).fit(train, { seed: 0 });
      const p = await model.predict(test.slice(0, 3));
      expect(p.gate).toBeNull();
      model.dispose();
    }
    const metadataOnly = await cellScoresMixtureEstimator({ learner: logisticInstanceLearner(), mixture: { experts: ['scalar'], multitask: false }, fit: FAST }).fit(train, { seed: 0 });
    const p = await metadataOnly.predict(test.slice(0, 3));
    expect(p.experts.cells).toBeNull();
    expect(p.experts.metadata).toHaveLength(3);
    metadataOnly.dispose();
  });

  it('reuses a cached per-cell stage across mixture variants, and frees its tensors', async () => {
    const cache = new Map<string, CellScoreStageState>();
    const before = tf.memory().numTensors;
    for (const combination of ['sigmoid', 'softmax'] as const) {
      const model = await cellScoresMixtureEstimator({ learner: logisticInstanceLearner(), mixture: { combination }, fit: FAST, cache }).fit(train, { seed: 7 });
      await model.predict(test);
      model.dispose();
    }
    expect(cache.size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('saves and loads to the same predictions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cell-mixture-'));
    const model = await cellScoresMixtureEstimator({ learner: logisticInstanceLearner(), fit: FAST }).fit(train, { seed: 0 });
    try {
      await model.save(dir);
      const loaded = await loadCellScoresMixture(dir);
      const [a, b] = [await model.predict(test), await loaded.predict(test)];
      for (let i = 0; i < test.length; i++) {
        expect(b.probability[i]).toBeCloseTo(a.probability[i]!, 5);
        expect(b.gate![i]).toBeCloseTo(a.gate![i]!, 5);
      }
      loaded.dispose();
    } finally {
      model.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses input widths in the mixture and bad predict inputs, naming them', async () => {
    expect(() => cellScoresMixtureEstimator({ mixture: { imageDim: 3 } as never })).toThrow(/cellScoresMixtureEstimator.*options\.mixture\.imageDim/);
    expect(() => cellScoresMixtureEstimator({ learner: [] })).toThrow(/cellScoresMixtureEstimator.*options\.learner/);
    expect(() => cellScoresMixtureEstimator({ fit: { epochs: 0 } })).toThrow(/epochs/);
    const model = await cellScoresMixtureEstimator({ learner: logisticInstanceLearner(), fit: { epochs: 2 } }).fit(train, { seed: 0 });
    await expect(model.predict([{ ...test[0]!, handmade: { data: new Float32Array(2), rows: 1, cols: 2 } }])).rejects.toThrow(/P0.*handmade/);
    model.dispose();
  });
});
