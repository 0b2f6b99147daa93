import { describe, expect, it } from 'vitest';
import { weightedLogLoss } from '../../../src/training/cellScores/weightedLogLoss.js';

describe('weightedLogLoss', () => {
  it('matches −y·log σ(z) − (1 − y)·log(1 − σ(z)) weighted, and is stable for large logits', () => {
    const z = [0, 2, -1.5];
    const y = [1, 0, 1];
    const w = [1, 2, 0.5];
    const sigma = (v: number): number => 1 / (1 + Math.exp(-v));
    const naive = z.reduce((s, v, i) => s + w[i]! * -(y[i]! * Math.log(sigma(v)) + (1 - y[i]!) * Math.log(1 - sigma(v))), 0) / 3.5;
    expect(weightedLogLoss(z, y, w)).toBeCloseTo(naive, 12);
    expect(weightedLogLoss([0], [1], [1])).toBeCloseTo(Math.log(2), 15);
    expect(weightedLogLoss([1000, -1000], [1, 0], [1, 1])).toBe(0);
    expect(weightedLogLoss([1000], [0], [1])).toBe(1000);
    expect(weightedLogLoss([1], [1], [0])).toBeNaN();
  });
});
