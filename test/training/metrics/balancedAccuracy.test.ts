import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { balancedAccuracy } from '../../../src/training/metrics/balancedAccuracy.js';

describe('balancedAccuracy', () => {
  it('is the mean of sensitivity and specificity on a hand-made example', () => {
    // sensitivity 2/3 (positives 1,1,1 predicted 1,1,0), specificity 1/2 (negatives predicted 0,1)
    expect(balancedAccuracy([1, 1, 1, 0, 0], [1, 1, 0, 0, 1])).toBeCloseTo((2 / 3 + 1 / 2) / 2, 12);
  });

  it('a constant prediction scores 0.5 whatever the imbalance', () => {
    const labels = [...Array<number>(113).fill(1), ...Array<number>(50).fill(0)];
    expect(balancedAccuracy(labels, Array<number>(163).fill(1))).toBe(0.5);
    expect(balancedAccuracy(labels, Array<number>(163).fill(0))).toBe(0.5);
  });

  it('single class in labels: returns the recall of the present class (scikit-learn behaviour), never NaN', () => {
    expect(balancedAccuracy([1, 1, 1, 1], [1, 1, 1, 0])).toBe(0.75);
    expect(balancedAccuracy([0, 0], [1, 0])).toBe(0.5);
  });

  it('thresholds scores', () => {
    expect(balancedAccuracy([1, 0], [0.4, 0.1], { threshold: 0.3 })).toBe(1);
  });

  it('property: lies in [0, 1] and perfect predictions give 1', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.double({ min: -5, max: 5, noNaN: true })), {
          minLength: 1,
          maxLength: 60,
        }),
        (pairs) => {
          const labels = pairs.map(([z]) => z);
          const scores = pairs.map(([, s]) => s);
          const value = balancedAccuracy(labels, scores, { threshold: 0 });
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(1);
          expect(balancedAccuracy(labels, labels)).toBe(1);
        },
      ),
    );
  });
});
