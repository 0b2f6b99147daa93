import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stratifiedTrainTestSplit } from '../../../src/training/splits/stratifiedTrainTestSplit.js';

const labelsArb = fc
  .array(fc.integer({ min: 2, max: 60 }), { minLength: 2, maxLength: 3 })
  .map((counts) => counts.flatMap((c, k) => Array.from({ length: c }, () => k)))
  .chain((y) => fc.shuffledSubarray(y, { minLength: y.length }));

describe('stratifiedTrainTestSplit', () => {
  it('takes ceil(testSize * N) patients and shares them by class like scikit-learn', () => {
    // 113 malignant / 50 reactive as in the challenge: n_test = ceil(0.2 * 163) = 33,
    // n_train = 130 -> floor(130 * 113/163) = 90 (+0: remainders .12 and .88 -> reactive gets the extra one).
    const y = [...Array.from({ length: 113 }, () => 1), ...Array.from({ length: 50 }, () => 0)];
    const { train, test } = stratifiedTrainTestSplit(y, { testSize: 0.2, seed: 1 });
    expect(test).toHaveLength(33);
    expect(train).toHaveLength(130);
    expect(train.filter((i) => y[i] === 1)).toHaveLength(90);
    expect(test.filter((i) => y[i] === 1)).toHaveLength(23);
    expect(test.filter((i) => y[i] === 0)).toHaveLength(10);
  });

  it('accepts an integer test count', () => {
    const y = [0, 0, 0, 0, 1, 1, 1, 1];
    const { train, test } = stratifiedTrainTestSplit(y, { testSize: 4, seed: 2 });
    expect(test.filter((i) => y[i] === 0)).toHaveLength(2);
    expect(train).toHaveLength(4);
  });

  it('partitions the indices and keeps each class within one patient of its share (property)', () => {
    fc.assert(
      fc.property(labelsArb, fc.double({ min: 0.1, max: 0.6, noNaN: true }), fc.integer(), (y, testSize, seed) => {
        const n = y.length;
        fc.pre(Math.ceil(testSize * n) >= 3 && n - Math.ceil(testSize * n) >= 3);
        const { train, test } = stratifiedTrainTestSplit(y, { testSize, seed });
        expect(test).toHaveLength(Math.ceil(testSize * n));
        expect([...train, ...test].sort((a, b) => a - b)).toEqual(y.map((_, i) => i));
        expect(train).toEqual([...train].sort((a, b) => a - b));
        for (const c of new Set(y)) {
          const nc = y.filter((v) => v === c).length;
          const inTest = test.filter((i) => y[i] === c).length;
          expect(Math.abs(inTest - (nc * test.length) / n)).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('same seed gives the same split; different seeds differ', () => {
    const y = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? 0 : 1));
    const a = stratifiedTrainTestSplit(y, { seed: 5 });
    expect(stratifiedTrainTestSplit(y, { seed: 5 })).toEqual(a);
    expect(stratifiedTrainTestSplit(y, { seed: 6 })).not.toEqual(a);
    expect(stratifiedTrainTestSplit(y)).toEqual(stratifiedTrainTestSplit(y, { seed: 0 }));
  });

  it('handles the smallest valid input: two classes of two', () => {
    const { train, test } = stratifiedTrainTestSplit([0, 1, 0, 1], { testSize: 0.5 });
    expect(train).toHaveLength(2);
    expect(new Set(test.map((i) => [0, 1, 0, 1][i])).size).toBe(2);
  });

  it('errors on a one-member class, sides smaller than the class count, bad sizes and missing labels', () => {
    expect(() => stratifiedTrainTestSplit([0, 0, 0, 1])).toThrow(/stratifiedTrainTestSplit: labels must be at least 2 members of every class \(class 1 has only 1 member\)/);
    expect(() => stratifiedTrainTestSplit([0, 0, 0, 0, 1, 1], { testSize: 1 })).toThrow(/testSize must be such that train \(5\) and test \(1\) both hold ≥ 2 patients/);
    expect(() => stratifiedTrainTestSplit([0, 0, 1, 1], { testSize: 0 })).toThrow(/testSize.*got 0/);
    expect(() => stratifiedTrainTestSplit([0, 0, 1, 1], { testSize: 1.5 })).toThrow(/got 1\.5/);
    expect(() => stratifiedTrainTestSplit([0, 0, 1, 1], { testSize: 4 })).toThrow(/testSize must be an integer ≥ 1 and ≤ 3, got 4/);
    expect(() => stratifiedTrainTestSplit([0, 0, 1, null])).toThrow(/labels\[3\] .*got null/);
    expect(() => stratifiedTrainTestSplit([0, 0, 1, 1], { seed: 0.5 })).toThrow(/stratifiedTrainTestSplit: seed must be an integer, got 0\.5/);
  });
});
