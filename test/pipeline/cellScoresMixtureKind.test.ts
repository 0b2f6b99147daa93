import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_ESTIMATORS } from '../../src/pipeline/builtinEstimators.js';
import { plantedBags } from '../training/cellScores/plantedBags.js';

describe("the 'cell-scores-mixture' model kind", () => {
  it('builds the mixture on the per-cell scores from JSON options, saves and loads it to the same predictions', async () => {
    const kind = BUILTIN_ESTIMATORS['cell-scores-mixture']!;
    const estimator = kind.create(
      { learners: [{ kind: 'logistic', options: { c: 1 } }], mixture: { combination: 'softmax', multitask: false }, fit: { epochs: 20 } },
      { featureNames: ['a', 'b', 'c', 'd'] },
    );
    expect(estimator.name).toContain('softmax');
    const model = await estimator.fit(plantedBags(30, { seed: 2 }), { seed: 0 });
    const test = plantedBags(6, { seed: 9 });
    const dir = mkdtempSync(join(tmpdir(), 'cell-mixture-kind-'));
    try {
      await model.save(dir);
      const loaded = await kind.load(dir, {});
      const [a, b] = [await model.predict(test), await loaded.predict(test)];
      expect(Array.from(b.probability)).toEqual(Array.from(a.probability).map((p) => expect.closeTo(p, 5)));
      expect(a.gate).toHaveLength(6);
      loaded.dispose();
    } finally {
      model.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(() => kind.create({ learners: [] }, { featureNames: [] })).toThrow(/learners/);
  });
});
