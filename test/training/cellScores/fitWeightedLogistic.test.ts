import { describe, expect, it } from 'vitest';
import { fitLogisticRegression } from '../../../src/training/baselines/index.js';
import { fitWeightedLogistic, logisticInstanceLearner } from '../../../src/training/cellScores/index.js';
import { seededRandom } from '../../../src/core/index.js';

function data(n: number, f: number, seed: number): { rows: number[][]; labels: number[] } {
  const rng = seededRandom(seed);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const y = rng.next() < 0.3 ? 1 : 0;
    rows.push(Array.from({ length: f }, (_, j) => rng.normal(j === 0 ? y : 0, 1 + j)));
    labels.push(y);
  }
  return { rows, labels };
}

const matrix = (rows: number[][]) => ({ data: Float32Array.from(rows.flat()), rows: rows.length, cols: rows[0]!.length });

describe('fitWeightedLogistic', () => {
  it('with unit weights equals the unweighted baseline fitLogisticRegression', () => {
    const { rows, labels } = data(200, 3, 4);
    const rounded = rows.map((r) => r.map((v) => Math.fround(v)));
    const ours = fitWeightedLogistic(matrix(rows), labels, new Float64Array(200).fill(1), { c: 0.5, tolerance: 1e-10 });
    const base = fitLogisticRegression(rounded, labels, { c: 0.5, classWeight: 'none', tolerance: 1e-10 });
    expect(ours.intercept).toBeCloseTo(base.intercept, 6);
    for (let j = 0; j < 3; j++) expect(ours.coefficients[j]).toBeCloseTo(base.coefficients[j]!, 6);
    const z = ours.score(matrix(rows.slice(0, 5)));
    const p = base.predictProbability(rounded.slice(0, 5));
    for (let i = 0; i < 5; i++) expect(1 / (1 + Math.exp(-z[i]!))).toBeCloseTo(p[i]!, 6);
  });

  it('a weight of 2 is the row repeated, a weight of 0 the row removed', () => {
    const { rows, labels } = data(60, 2, 9);
    const w = new Float64Array(60).fill(1);
    w[0] = 2;
    w[7] = 0;
    const a = fitWeightedLogistic(matrix(rows), labels, w, { c: 1, tolerance: 1e-10 });
    const keep = rows.map((_, i) => i).filter((i) => i !== 7);
    const b = fitWeightedLogistic(
      matrix([rows[0]!, ...keep.map((i) => rows[i]!)]),
      [labels[0]!, ...keep.map((i) => labels[i]!)],
      new Float64Array(60).fill(1),
      { c: 1, tolerance: 1e-10 },
    );
    expect(a.intercept).toBeCloseTo(b.intercept, 7);
    for (let j = 0; j < 2; j++) {
      expect(a.coefficients[j]).toBeCloseTo(b.coefficients[j]!, 7);
      expect(a.mean[j]).toBeCloseTo(b.mean[j]!, 9);
    }
    expect(a.coefficients[0]).toBeGreaterThan(0.3); // the planted signal in column 0
  });

  it('rejects bad inputs naming the argument', () => {
    const m = matrix([[0], [1], [2]]);
    expect(() => fitWeightedLogistic(m, [0, 1], new Float64Array(3).fill(1))).toThrow(/fitWeightedLogistic.*labels/);
    expect(() => fitWeightedLogistic(m, [0, 1, 2], new Float64Array(3).fill(1))).toThrow(/fitWeightedLogistic.*labels\[2\]/);
    expect(() => fitWeightedLogistic(m, [0, 1, 1], Float64Array.of(1, -1, 1))).toThrow(/fitWeightedLogistic.*weights\[1\]/);
    expect(() => fitWeightedLogistic(m, [0, 0, 0], new Float64Array(3).fill(1))).toThrow(/both classes/);
    expect(() => fitWeightedLogistic({ data: Float32Array.of(0, NaN, 2), rows: 3, cols: 1 }, [0, 1, 1], new Float64Array(3).fill(1))).toThrow(/row 1 column 0/);
    expect(() => fitWeightedLogistic(m, [0, 1, 1], new Float64Array(3).fill(1), { c: 0 })).toThrow(/options\.c/);
    expect(logisticInstanceLearner({ c: 0.1 }).name).toBe('logistic(C=0.1)');
  });
});
