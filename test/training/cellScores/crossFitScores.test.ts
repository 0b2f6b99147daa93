import { describe, expect, it } from 'vitest';
import { crossFitScores, logisticInstanceLearner, type InstanceLearner } from '../../../src/training/cellScores/index.js';
import { stratifiedKFold } from '../../../src/training/splits/index.js';
import { plantedBags } from './plantedBags.js';

describe('crossFitScores', () => {
  const bags = plantedBags(30, { seed: 3 });
  const cells = bags.map((b) => b.handmade!);
  const labels = bags.map((b) => b.label!);
  const folds = stratifiedKFold(labels, { nSplits: 3, shuffle: true, seed: 2 });

  it("a patient's out-of-fold scores do not depend on its own label", async () => {
    const learner = logisticInstanceLearner({ c: 0.1 });
    const base = await crossFitScores(cells, labels, folds, learner, 0);
    for (const i of [folds[0]!.test[0]!, folds[2]!.test[1]!]) {
      const flipped: number[] = labels.slice();
      flipped[i] = 1 - flipped[i]!;
      const other = await crossFitScores(cells, flipped, folds, learner, 0);
      expect(Array.from(other.scores[i]!)).toEqual(Array.from(base.scores[i]!));
      // …while the scores of patients of other folds, whose models saw patient i, do change
      const j = folds.findIndex((f) => !f.test.includes(i));
      const k = folds[j]!.test[0]!;
      expect(Array.from(other.scores[k]!)).not.toEqual(Array.from(base.scores[k]!));
    }
  });

  it('trains each fold on its training patients only, each patient weighing the same within its class', async () => {
    const seen: { rows: number; weights: Float64Array; labels: Uint8Array }[] = [];
    const spy: InstanceLearner = {
      name: 'spy',
      fit(m, y, w) {
        seen.push({ rows: m.rows, weights: w, labels: y });
        return { score: (t) => new Float64Array(t.rows) };
      },
    };
    const result = await crossFitScores(cells, labels, folds, spy, 0);
    expect(seen).toHaveLength(3);
    folds.forEach((fold, k) => {
      expect(seen[k]!.rows).toBe(fold.train.reduce((s, i) => s + cells[i]!.rows, 0));
      let row = 0;
      const totals = fold.train.map((i) => {
        const n = cells[i]!.rows;
        const t = seen[k]!.weights.subarray(row, row + n).reduce((a, b) => a + b, 0);
        expect(Array.from(seen[k]!.labels.subarray(row, row + n)).every((y) => y === labels[i])).toBe(true);
        row += n;
        return { t, y: labels[i] };
      });
      const pos = totals.filter((x) => x.y === 1);
      const neg = totals.filter((x) => x.y === 0);
      for (const x of pos) expect(x.t).toBeCloseTo(pos[0]!.t, 12);
      for (const x of neg) expect(x.t).toBeCloseTo(neg[0]!.t, 12);
      expect(pos.reduce((s, x) => s + x.t, 0)).toBeCloseTo(neg.reduce((s, x) => s + x.t, 0), 12);
    });
    result.scores.forEach((s, i) => expect(s.length).toBe(cells[i]!.rows));
  });

  it('rejects folds that miss or repeat a patient', async () => {
    const learner = logisticInstanceLearner();
    await expect(crossFitScores(cells, labels, folds.slice(0, 2), learner, 0)).rejects.toThrow(/crossFitScores.*missing/);
    await expect(crossFitScores(cells, labels, [...folds, folds[0]!], learner, 0)).rejects.toThrow(/crossFitScores.*twice/);
  });
});
