import { describe, expect, it } from 'vitest';
import { crossValidateLogisticRegression } from '../../../src/training/baselines/crossValidateLogisticRegression.js';
import { mulberry32 } from '../../../src/training/splits/mulberry32.js';

function dataset(n: number, signal: number, seed: number): { rows: number[][]; labels: (0 | 1)[] } {
  const rand = mulberry32(seed);
  const labels = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : 1) as 0 | 1);
  const rows = labels.map((y) => [signal * y + rand() - 0.5, rand() - 0.5, rand() * 10]);
  return { rows, labels };
}

describe('crossValidateLogisticRegression', () => {
  it('scores high with a strong signal and near chance without one; one score per seed; reproducible', () => {
    const strong = dataset(60, 3, 1);
    const r = crossValidateLogisticRegression(strong.rows, strong.labels, { seeds: [0, 1, 2] });
    expect(r.balancedAccuracy).toHaveLength(3);
    expect(r.auc).toHaveLength(3);
    expect(r.summary.mean).toBeGreaterThan(0.95);
    const none = dataset(60, 0, 2);
    expect(crossValidateLogisticRegression(none.rows, none.labels).summary.mean).toBeLessThan(0.75);
    expect(crossValidateLogisticRegression(strong.rows, strong.labels, { seeds: [0, 1, 2] })).toEqual(r);
  });

  it('rejects mismatched inputs and empty seeds', () => {
    expect(() => crossValidateLogisticRegression([[1]], [0, 1])).toThrow('1 rows but 2 labels');
    expect(() => crossValidateLogisticRegression([[1], [2]], [0, 1], { seeds: [] })).toThrow('seeds must not be empty');
  });
});
