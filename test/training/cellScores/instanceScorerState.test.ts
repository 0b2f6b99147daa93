import { describe, expect, it } from 'vitest';
import {
  cellScoresEstimator,
  cellScoresModelFromState,
  gbdtInstanceLearner,
  instanceScorerFromState,
  logisticInstanceLearner,
  mlpInstanceLearner,
  type CellScoresState,
  type InstanceScorerState,
} from '../../../src/training/cellScores/index.js';
import { plantedBags } from './plantedBags.js';

describe('saving the per-cell expert as JSON', () => {
  const train = plantedBags(40, { seed: 3 });
  const test = plantedBags(12, { seed: 4 });

  it.each([
    ['gbdt, mean', { learner: gbdtInstanceLearner({ rounds: 20 }) }],
    ['logistic, quantiles', { learner: logisticInstanceLearner({ c: 0.1 }), pooling: 'quantiles' as const }],
    ['mlp + logistic, inner average', { learner: [mlpInstanceLearner({ hidden: 4, epochs: 3 }), logisticInstanceLearner()], finalModel: 'innerAverage' as const }],
  ])('%s: the state survives JSON and predicts exactly as the fitted model', async (_name, options) => {
    const model = await cellScoresEstimator(options).fit(train, { seed: 1 });
    const json = JSON.parse(JSON.stringify(model.state())) as CellScoresState;
    const restored = cellScoresModelFromState(json);
    expect(await restored.predict(test)).toEqual(await model.predict(test));
    expect(JSON.parse(JSON.stringify(restored.state()))).toEqual(json);
  });

  it('refuses a malformed state, naming the field', () => {
    expect(() => cellScoresModelFromState({ format: 'other' } as unknown as CellScoresState)).toThrow(/state\.format/);
    expect(() => instanceScorerFromState({ kind: 'forest' } as unknown as InstanceScorerState)).toThrow(/state\.kind/);
    const tree: InstanceScorerState = { kind: 'gbdt', cols: 2, baseScore: 0, roots: [0], feature: [1, -1, -1], threshold: [0, 0, 0], left: [1, -1, -1], right: [2, -1, -1], value: [0, 1, -1] };
    expect(instanceScorerFromState(tree).score({ data: Float32Array.of(0, -1, 0, 1), rows: 2, cols: 2 })).toEqual(Float64Array.of(1, -1));
    // Out-of-range indices would read outside the arrays when scoring: refused when loading.
    expect(() => instanceScorerFromState({ ...tree, roots: [5] })).toThrow(/state\.roots/);
    expect(() => instanceScorerFromState({ ...tree, left: [0, -1, -1] })).toThrow(/state\.left\/right\[0\]/);
    expect(() => instanceScorerFromState({ ...tree, feature: [2, -1, -1] })).toThrow(/state\.feature\[0\]/);
    expect(() => instanceScorerFromState({ ...tree, value: [0, 1] })).toThrow(/state\.value/);
  });
});
