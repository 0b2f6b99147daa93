import { describe, expect, it } from 'vitest';
import { sensitivity } from '../../../src/training/metrics/sensitivity.js';

describe('sensitivity', () => {
  it('is TP / (TP + FN) on a hand-made example', () => {
    // positives at 0,1,2 predicted 1,0,1 -> 2/3
    expect(sensitivity([1, 1, 1, 0, 0], [1, 0, 1, 1, 0])).toBeCloseTo(2 / 3, 12);
  });

  it('applies the threshold option', () => {
    expect(sensitivity([1, 1], [0.3, 0.7], { threshold: 0.2 })).toBe(1);
    expect(sensitivity([1, 1], [0.3, 0.7])).toBe(0.5);
  });

  it('no positive label: throws a clear error instead of returning NaN', () => {
    expect(() => sensitivity([0, 0], [1, 0])).toThrow(/sensitivity: labels contain no positive/);
  });
});

