import { describe, expect, it } from 'vitest';
import { fitGradientBoostedTrees, gbdtInstanceLearner } from '../../../src/training/cellScores/index.js';
import { seededRandom } from '../../../src/core/index.js';
import { rocAuc } from '../../../src/training/metrics/index.js';

/** y = 1 inside a ring (0.5 < |x| < 1.2): no linear model separates it, trees do. */
function ring(n: number, seed: number) {
  const rng = seededRandom(seed);
  const data = new Float32Array(n * 3);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.normal();
    const b = rng.normal();
    data[i * 3] = a;
    data[i * 3 + 1] = b;
    data[i * 3 + 2] = rng.normal(); // noise column
    const r = Math.hypot(a, b);
    labels[i] = r > 0.5 && r < 1.2 ? 1 : 0;
  }
  return { cells: { data, rows: n, cols: 3 }, labels };
}

describe('fitGradientBoostedTrees', () => {
  const train = ring(1500, 1);
  const test = ring(800, 2);
  const ones = new Float64Array(1500).fill(1);

  it('learns a non-linear boundary', () => {
    const model = fitGradientBoostedTrees(train.cells, train.labels, ones, 0, { rounds: 60 });
    expect(model.trees).toBe(60);
    expect(rocAuc(test.labels, model.score(test.cells))).toBeGreaterThan(0.95);
  });

  it('starts from the weighted log-odds and follows the weights', () => {
    const model = fitGradientBoostedTrees(train.cells, train.labels, ones, 0, { rounds: 1 });
    const pos = train.labels.reduce((a, b) => a + b, 0);
    expect(model.baseScore).toBeCloseTo(Math.log(pos / (1500 - pos)), 12);
    // zero weight on every positive outside x > 0: those rows are ignored, so the scores there fall
    const w = Float64Array.from(train.labels, (y, i) => (y === 1 && train.cells.data[i * 3]! > 0 ? 0 : 1));
    const weighted = fitGradientBoostedTrees(train.cells, train.labels, w, 0, { rounds: 60 });
    const plain = fitGradientBoostedTrees(train.cells, train.labels, ones, 0, { rounds: 60 });
    const probe = { data: Float32Array.of(0.8, 0, 0, -0.8, 0, 0), rows: 2, cols: 3 };
    const [wr, wl] = weighted.score(probe);
    const [pr, pl] = plain.score(probe);
    expect(wr!).toBeLessThan(pr! - 1);
    expect(Math.abs(wl! - pl!)).toBeLessThan(Math.abs(wr! - pr!));
  });

  it('is deterministic given the seed, and the subsample depends on it', () => {
    const a = fitGradientBoostedTrees(train.cells, train.labels, ones, 5, { rounds: 20, colsample: 0.7 }).score(test.cells);
    const b = fitGradientBoostedTrees(train.cells, train.labels, ones, 5, { rounds: 20, colsample: 0.7 }).score(test.cells);
    const c = fitGradientBoostedTrees(train.cells, train.labels, ones, 6, { rounds: 20, colsample: 0.7 }).score(test.cells);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    const full = fitGradientBoostedTrees(train.cells, train.labels, ones, 5, { rounds: 20, subsample: 1 }).score(test.cells);
    const full2 = fitGradientBoostedTrees(train.cells, train.labels, ones, 6, { rounds: 20, subsample: 1 }).score(test.cells);
    expect(Array.from(full)).toEqual(Array.from(full2)); // nothing random left
  });

  it('rejects bad inputs naming the argument', () => {
    const m = { data: Float32Array.of(0, 1, 2), rows: 3, cols: 1 };
    const w = new Float64Array(3).fill(1);
    expect(() => fitGradientBoostedTrees(m, [0, 1, 2], w, 0)).toThrow(/fitGradientBoostedTrees.*labels\[2\]/);
    expect(() => fitGradientBoostedTrees(m, [0, 0, 0], w, 0)).toThrow(/both classes/);
    expect(() => fitGradientBoostedTrees(m, [0, 1, 1], w, 0, { maxBins: 1 })).toThrow(/options\.maxBins/);
    expect(() => fitGradientBoostedTrees(m, [0, 1, 1], w, 0.5)).toThrow(/seed/);
    expect(() => fitGradientBoostedTrees({ data: Float32Array.of(0, Infinity, 1), rows: 3, cols: 1 }, [0, 1, 1], w, 0)).toThrow(/row 1/);
    expect(() => fitGradientBoostedTrees(m, [0, 1, 1], w, 0).score({ data: new Float32Array(2), rows: 1, cols: 2 })).toThrow(/1 columns/);
    expect(gbdtInstanceLearner({ rounds: 50 }).name).toBe('gbdt(50, depth 3, η 0.1)');
  });
});
