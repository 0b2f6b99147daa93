import { describe, expect, it } from 'vitest';
import { CELL_POOLINGS, poolScores, pooledWidth } from '../../../src/training/cellScores/index.js';

describe('poolScores', () => {
  const s = Float64Array.of(3, -1, 0, 2, 1); // sorted: -1 0 1 2 3
  it('computes each pooling', () => {
    expect(poolScores(s, 'mean')).toEqual([1]);
    expect(poolScores(s, 'quantiles', { quantiles: [0, 0.5, 0.9, 1] }).map((v) => +v.toFixed(10))).toEqual([-1, 1, 2.6, 3]);
    expect(poolScores(s, 'meanQuantiles', { quantiles: [0.25] })).toEqual([1, 0]);
    expect(poolScores(s, 'topk', { topFraction: 0.4 })).toEqual([2.5, -0.5]);
    expect(poolScores(s, 'lse')[0]).toBeCloseTo(Math.log((Math.exp(3) + Math.exp(-1) + 1 + Math.exp(2) + Math.exp(1)) / 5), 12);
    expect(poolScores(Float64Array.of(1000, 1000), 'lse')[0]).toBeCloseTo(1000, 9); // no overflow
  });
  it('returns pooledWidth values and does not reorder its input', () => {
    for (const p of CELL_POOLINGS) expect(poolScores(s, p).length).toBe(pooledWidth(p));
    expect(Array.from(s)).toEqual([3, -1, 0, 2, 1]);
  });
  it('rejects empty scores and bad options', () => {
    expect(() => poolScores(new Float64Array(0), 'mean')).toThrow(/poolScores.*scores/);
    expect(() => poolScores(s, 'quantiles', { quantiles: [1.5] })).toThrow(/options\.quantiles/);
    expect(() => poolScores(s, 'topk', { topFraction: 0 })).toThrow(/options\.topFraction/);
    expect(() => poolScores(s, 'max' as never)).toThrow(/poolScores.*pooling/);
  });
});
