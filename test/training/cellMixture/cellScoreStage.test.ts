import { describe, expect, it } from 'vitest';
import { fitCellScoreStage, type CellScoreStageState } from '../../../src/training/cellMixture/index.js';
import { logisticInstanceLearner, gbdtInstanceLearner } from '../../../src/training/cellScores/index.js';
import { plantedBags } from '../cellScores/plantedBags.js';

describe('fitCellScoreStage', () => {
  const bags = plantedBags(30, { seed: 3 });

  it('gives every training patient a bag of out-of-fold scores, one column per learner', async () => {
    const stage = await fitCellScoreStage(bags, [logisticInstanceLearner({ c: 1 }), gbdtInstanceLearner({ rounds: 10 })], { seed: 1 });
    expect(stage.width).toBe(2);
    stage.trainBags.forEach((b, p) => {
      expect(b.images!.rows).toBe(bags[p]!.handmade!.rows);
      expect(b.images!.cols).toBe(2);
      expect(b.handmade).toBeUndefined();
      expect([b.id, b.label, b.age]).toEqual([bags[p]!.id, bags[p]!.label, bags[p]!.age]);
    });
    // The planted signal: malignant patients' mean score is higher.
    const mean = (b: (typeof stage.trainBags)[number]): number => {
      let s = 0;
      for (let i = 0; i < b.images!.rows; i++) s += b.images!.data[i * 2]!;
      return s / b.images!.rows;
    };
    const byClass = [0, 1].map((y) => stage.trainBags.filter((b) => b.label === y).map(mean).reduce((a, x) => a + x, 0) / 15);
    expect(byClass[1]!).toBeGreaterThan(byClass[0]! + 0.5);
  });

  it('scores out of fold: a training patient\'s scores differ from the final model\'s', async () => {
    const stage = await fitCellScoreStage(bags, [logisticInstanceLearner({ c: 1 })], { seed: 1 });
    const again = stage.scoreBags(bags);
    const differs = stage.trainBags.some((b, p) => b.images!.data.some((v, i) => Math.abs(v - again[p]!.images!.data[i]!) > 1e-6));
    expect(differs).toBe(true);
  });

  it('fits once per content key with a cache, and restores the same stage from it', async () => {
    const cache = new Map<string, CellScoreStageState>();
    let fits = 0;
    const first = await fitCellScoreStage(bags, [logisticInstanceLearner({ c: 1 })], { seed: 2, cache, afterFit: () => fits++ });
    expect(fits).toBe(6);
    expect(cache.size).toBe(1);
    const second = await fitCellScoreStage(bags, [logisticInstanceLearner({ c: 1 })], { seed: 2, cache, afterFit: () => fits++ });
    expect(fits).toBe(6);
    expect(second.trainBags.map((b) => Array.from(b.images!.data))).toEqual(first.trainBags.map((b) => Array.from(b.images!.data)));
    expect(Array.from(second.scoreBags(bags.slice(0, 2))[1]!.images!.data)).toEqual(Array.from(first.scoreBags(bags.slice(0, 2))[1]!.images!.data));
    await fitCellScoreStage(bags, [logisticInstanceLearner({ c: 1 })], { seed: 3, cache });
    await fitCellScoreStage(bags.slice(1), [logisticInstanceLearner({ c: 1 })], { seed: 2, cache });
    expect(cache.size).toBe(3);
  });

  it('refuses bags without cells or labels, naming the patient', async () => {
    const noLabel = bags.map((b, i) => (i === 4 ? { ...b, label: undefined } : b));
    await expect(fitCellScoreStage(noLabel, [logisticInstanceLearner()])).rejects.toThrow(/fitCellScoreStage.*P4.*label/);
    const noCells = bags.map((b, i) => (i === 2 ? { ...b, handmade: undefined } : b));
    await expect(fitCellScoreStage(noCells, [logisticInstanceLearner()])).rejects.toThrow(/fitCellScoreStage.*P2.*handmade/);
    await expect(fitCellScoreStage(bags, [])).rejects.toThrow(/fitCellScoreStage.*learners/);
    const stage = await fitCellScoreStage(bags, [logisticInstanceLearner()]);
    expect(() => stage.scoreBags([{ ...bags[0]!, handmade: { data: new Float32Array(3), rows: 1, cols: 3 } }])).toThrow(/scoreBags.*P0/);
  });
});
