import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rocAuc } from '../../../src/training/metrics/rocAuc.js';

/** Independent O(P·N) reference: fraction of (positive, negative) pairs ranked correctly, ties counting 1/2. */
function pairwiseAuc(labels: readonly number[], scores: readonly number[]): number {
  let sum = 0;
  let pairs = 0;
  labels.forEach((zi, i) => {
    if (zi !== 1) return;
    labels.forEach((zj, j) => {
      if (zj !== 0) return;
      const si = scores[i] as number;
      const sj = scores[j] as number;
      sum += si > sj ? 1 : si === sj ? 0.5 : 0;
      pairs++;
    });
  });
  return sum / pairs;
}

const binaryData = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: -20, max: 20 })), { minLength: 2, maxLength: 50 })
  .filter((pairs) => pairs.some(([z]) => z === 1) && pairs.some(([z]) => z === 0));

describe('rocAuc', () => {
  it('matches hand-computed values', () => {
    // sklearn.metrics.roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.75, 12);
    expect(rocAuc([0, 1], [0, 1])).toBe(1);
    expect(rocAuc([0, 1], [1, 0])).toBe(0);
  });

  it('handles ties like scikit-learn (a tied positive/negative pair counts 1/2)', () => {
    // roc_auc_score([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9]): pairs (p=.5,n=.5)=.5, (p=.5,n=.2)=1, (p=.9,*)=1+1 -> 3.5/4
    expect(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9])).toBeCloseTo(0.875, 12);
    // all scores equal: 0.5
    expect(rocAuc([0, 1, 1, 0, 1], [3, 3, 3, 3, 3])).toBe(0.5);
  });

  it('accepts infinite scores (saturated logits)', () => {
    expect(rocAuc([0, 1, 0, 1], [-Infinity, Infinity, Infinity, 0])).toBeCloseTo(pairwiseAuc([0, 1, 0, 1], [-Infinity, Infinity, Infinity, 0]), 12);
  });

  it('one class only: throws a clear error (AUC undefined)', () => {
    expect(() => rocAuc([1, 1, 1], [0.1, 0.2, 0.3])).toThrow(/rocAuc: only one class present in labels \(3 positive, 0 negative\)/);
    expect(() => rocAuc([0], [0.1])).toThrow(/rocAuc: only one class present/);
  });

  it('rejects NaN scores and mismatched lengths', () => {
    expect(() => rocAuc([0, 1], [0.1, Number.NaN])).toThrow('rocAuc: scores[1] must be a number, got NaN');
    expect(() => rocAuc([0, 1], [0.1])).toThrow('rocAuc: scores must be the same length as labels (2), got an array of 1');
  });

  it('property: equals the pairwise reference, with many ties', () => {
    fc.assert(
      fc.property(binaryData, (pairs) => {
        const labels = pairs.map(([z]) => z);
        const scores = pairs.map(([, s]) => s);
        expect(rocAuc(labels, scores)).toBeCloseTo(pairwiseAuc(labels, scores), 10);
      }),
    );
  });

  it('property: invariant to strictly increasing transforms of the scores', () => {
    fc.assert(
      fc.property(binaryData, fc.double({ min: 0.01, max: 100, noNaN: true }), fc.double({ min: -10, max: 10, noNaN: true }), (pairs, a, b) => {
        const labels = pairs.map(([z]) => z);
        const scores = pairs.map(([, s]) => s);
        const auc = rocAuc(labels, scores);
        expect(rocAuc(labels, scores.map((s) => a * s + b))).toBe(auc);
        expect(rocAuc(labels, scores.map((s) => 1 / (1 + Math.exp(-s / 4))))).toBe(auc);
        expect(rocAuc(labels, scores.map((s) => s ** 3))).toBe(auc);
        // reversing the order gives 1 − AUC
        expect(rocAuc(labels, scores.map((s) => -s))).toBeCloseTo(1 - auc, 12);
      }),
    );
  });
});
