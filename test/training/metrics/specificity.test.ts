import { describe, expect, it } from 'vitest';
import { specificity } from '../../../src/training/metrics/specificity.js';

describe('specificity', () => {
  it('is TN / (TN + FP) on a hand-made example', () => {
    expect(specificity([1, 1, 0, 0, 0], [1, 0, 0, 1, 0])).toBeCloseTo(2 / 3, 12);
  });

  it('no negative label: throws a clear error instead of returning NaN', () => {
    expect(() => specificity([1, 1], [1, 0])).toThrow(/specificity: labels contain no negative/);
  });
});
