import { describe, expect, it } from 'vitest';
import { cellWeights } from '../../../src/training/cellScores/index.js';

describe('cellWeights', () => {
  it('gives every patient of a class the same total and each class half of P', () => {
    const counts = [1, 3, 10, 2, 5];
    const labels = [0, 0, 1, 1, 1];
    const w = cellWeights(counts, labels);
    expect(w.length).toBe(21);
    const totals: number[] = [];
    let row = 0;
    for (const n of counts) {
      totals.push(w.subarray(row, row + n).reduce((a, b) => a + b, 0));
      row += n;
    }
    // P / (2·P_c): 5/4 for the two reactive patients, 5/6 for the three malignant ones
    expect(totals[0]).toBeCloseTo(5 / 4, 12);
    expect(totals[1]).toBeCloseTo(5 / 4, 12);
    for (const t of totals.slice(2)) expect(t).toBeCloseTo(5 / 6, 12);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(5, 12);
    // within a patient, cells weigh the same
    expect(w[1]).toBe(w[3]);
  });

  it('matches the documented example', () => {
    expect(Array.from(cellWeights([1, 3], [0, 1]))).toEqual([1, 1 / 3, 1 / 3, 1 / 3]);
  });

  it('rejects bad counts, labels and a missing class, naming the function', () => {
    expect(() => cellWeights([1, 0], [0, 1])).toThrow(/cellWeights.*cellsPerPatient\[1\]/);
    expect(() => cellWeights([1, 2], [0, 2])).toThrow(/cellWeights.*labels\[1\]/);
    expect(() => cellWeights([1, 2], [1, 1])).toThrow(/cellWeights.*both classes/);
    expect(() => cellWeights([1, 2], [1])).toThrow(/cellWeights.*labels/);
  });
});
