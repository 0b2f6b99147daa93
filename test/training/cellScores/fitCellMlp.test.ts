import { describe, expect, it } from 'vitest';
import { fitCellMlp, mlpInstanceLearner } from '../../../src/training/cellScores/index.js';
import { seededRandom } from '../../../src/core/index.js';
import { rocAuc } from '../../../src/training/metrics/index.js';

/** y = 1 inside a ring (0.5 < |x| < 1.5): a linear model cannot, a hidden layer can. */
function ring(n: number, seed: number) {
  const rng = seededRandom(seed);
  const data = new Float32Array(n * 2);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.normal();
    const b = rng.normal();
    data[i * 2] = a;
    data[i * 2 + 1] = b;
    const r = Math.hypot(a, b);
    labels[i] = r > 0.5 && r < 1.5 ? 1 : 0;
  }
  return { cells: { data, rows: n, cols: 2 }, labels };
}

describe('fitCellMlp', () => {
  const train = ring(1200, 1);
  const test = ring(600, 2);
  const ones = new Float64Array(1200).fill(1);

  it('learns a non-linear boundary', () => {
    const model = fitCellMlp(train.cells, train.labels, ones, 0, { hidden: 16, epochs: 60, batchSize: 64, learningRate: 1e-2 });
    expect(model.hidden).toBe(16);
    expect(rocAuc(test.labels, model.score(test.cells))).toBeGreaterThan(0.9);
  });

  it('follows the weights: zero weight on the positives of x > 0 lowers the scores there', () => {
    const w = Float64Array.from(train.labels, (y, i) => (y === 1 && train.cells.data[i * 2]! > 0 ? 0 : 1));
    const opts = { hidden: 16, epochs: 40, batchSize: 64, learningRate: 1e-2 };
    const probe = { data: Float32Array.of(1, 0), rows: 1, cols: 2 };
    const plain = fitCellMlp(train.cells, train.labels, ones, 0, opts).score(probe)[0]!;
    const weighted = fitCellMlp(train.cells, train.labels, w, 0, opts).score(probe)[0]!;
    expect(weighted).toBeLessThan(plain - 1);
  });

  it('is deterministic given the seed', () => {
    const a = fitCellMlp(train.cells, train.labels, ones, 3, { epochs: 2 }).score(test.cells);
    const b = fitCellMlp(train.cells, train.labels, ones, 3, { epochs: 2 }).score(test.cells);
    const c = fitCellMlp(train.cells, train.labels, ones, 4, { epochs: 2 }).score(test.cells);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('rejects bad inputs naming the argument', () => {
    const m = { data: Float32Array.of(0, 1, 2), rows: 3, cols: 1 };
    const w = new Float64Array(3).fill(1);
    expect(() => fitCellMlp(m, [0, 1, 2], w, 0)).toThrow(/fitCellMlp.*labels\[2\]/);
    expect(() => fitCellMlp(m, [1, 1, 1], w, 0)).toThrow(/both classes/);
    expect(() => fitCellMlp(m, [0, 1, 1], w, 0, { hidden: 0 })).toThrow(/options\.hidden/);
    expect(() => fitCellMlp(m, [0, 1, 1], Float64Array.of(1, NaN, 1), 0)).toThrow(/weights\[1\]/);
    expect(() => fitCellMlp(m, [0, 1, 1], w, 0).score({ data: new Float32Array(2), rows: 1, cols: 2 })).toThrow(/1 columns/);
    expect(mlpInstanceLearner({ hidden: 8 }).name).toBe('mlp(8, 30 epochs)');
  });
});
