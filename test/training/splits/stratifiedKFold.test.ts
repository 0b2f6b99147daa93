import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCohort } from '../../../src/data/cohort/loadCohort.js';
import { stratifiedKFold } from '../../../src/training/splits/stratifiedKFold.js';
import { DLMI_DIR } from '../../helpers/shared.js';

/** Labels with at least `minPerClass` members in each of two or three classes, in random order. */
const labelsArb = (minPerClass: number) =>
  fc
    .array(fc.integer({ min: minPerClass, max: 40 }), { minLength: 2, maxLength: 3 })
    .map((counts) => counts.flatMap((c, k) => Array.from({ length: c }, () => k)))
    .chain((y) => fc.shuffledSubarray(y, { minLength: y.length }));

describe('stratifiedKFold', () => {
  it('matches the scikit-learn documentation example (y = [0, 0, 1, 1], n_splits = 2)', () => {
    expect(stratifiedKFold([0, 0, 1, 1], { nSplits: 2 })).toEqual([
      { train: [1, 3], test: [0, 2] },
      { train: [0, 2], test: [1, 3] },
    ]);
  });

  it("matches scikit-learn's round-robin allocation on an unbalanced, unsorted example", () => {
    // Hand-run of StratifiedKFold._make_test_folds: classes by first appearance (1 -> 0, 0 -> 1),
    // y_sorted = [0,0,0,0,0,1,1,1,1,1], folds take positions {0,3,6,9}, {1,4,7}, {2,5,8}.
    const y = [1, 1, 1, 0, 0, 0, 0, 0, 1, 1];
    expect(stratifiedKFold(y, { nSplits: 3 }).map((s) => s.test)).toEqual([
      [0, 1, 3, 4],
      [2, 5, 8],
      [6, 7, 9],
    ]);
  });

  it('accepts string and boolean labels', () => {
    const folds = stratifiedKFold(['m', 'r', 'm', 'r', 'm', 'r'], { nSplits: 3 });
    for (const f of folds) expect(f.test).toHaveLength(2);
    expect(stratifiedKFold([true, false, true, false], { nSplits: 2 })).toHaveLength(2);
  });

  it('folds partition the indices and train is the complement of test (property)', () => {
    fc.assert(
      fc.property(labelsArb(5), fc.integer({ min: 2, max: 5 }), fc.boolean(), fc.integer(), (y, k, shuffle, seed) => {
        const folds = stratifiedKFold(y, shuffle ? { nSplits: k, shuffle, seed } : { nSplits: k });
        expect(folds).toHaveLength(k);
        const seen = new Array<number>(y.length).fill(0);
        for (const { train, test } of folds) {
          for (const i of test) seen[i]! += 1;
          const inTest = new Set(test);
          expect(train).toEqual(y.map((_, i) => i).filter((i) => !inTest.has(i)));
          expect(test).toEqual([...test].sort((a, b) => a - b));
        }
        expect(seen.every((s) => s === 1)).toBe(true);
      }),
    );
  });

  it('each fold keeps the class ratio within one patient (property)', () => {
    fc.assert(
      fc.property(labelsArb(5), fc.integer({ min: 2, max: 5 }), fc.integer(), (y, k, seed) => {
        const n = y.length;
        expect(n).toBeGreaterThanOrEqual(10);
        const sizes = stratifiedKFold(y, { nSplits: k, shuffle: true, seed }).map((f) => f.test.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        for (const { test } of stratifiedKFold(y, { nSplits: k, shuffle: true, seed })) {
          for (const c of new Set(y)) {
            const nc = y.filter((v) => v === c).length;
            const inFold = test.filter((i) => y[i] === c).length;
            // Each fold gets floor or ceil of n_c / K members of class c: its share, within one patient.
            expect(inFold === Math.floor(nc / k) || inFold === Math.ceil(nc / k)).toBe(true);
          }
        }
      }),
    );
  });

  it('same seed gives the same folds; different seeds give different folds (property)', () => {
    fc.assert(
      fc.property(labelsArb(10), fc.integer(), fc.integer(), (y, s1, s2) => {
        fc.pre(s1 !== s2);
        const a = stratifiedKFold(y, { shuffle: true, seed: s1 });
        expect(stratifiedKFold(y, { shuffle: true, seed: s1 })).toEqual(a);
        // With >= 10 members per class the chance that two seeds agree on every class's order is negligible.
        expect(stratifiedKFold(y, { shuffle: true, seed: s2 })).not.toEqual(a);
      }),
    );
  });

  it('without shuffle repeated calls agree', () => {
    const y = [0, 1, 1, 0, 1, 1, 0, 1, 1, 1];
    expect(stratifiedKFold(y, { nSplits: 3 })).toEqual(stratifiedKFold(y, { nSplits: 3 }));
  });

  it('handles a single class and the minimal nSplits = class size', () => {
    expect(stratifiedKFold([4, 4, 4], { nSplits: 3 }).map((f) => f.test)).toEqual([[0], [1], [2]]);
    expect(stratifiedKFold([0, 1, 0, 1], { nSplits: 2 }).map((f) => f.test.length)).toEqual([2, 2]);
  });

  it('errors when nSplits exceeds the members of a class, naming the class', () => {
    expect(() => stratifiedKFold([0, 0, 0, 0, 0, 1, 1], { nSplits: 3 })).toThrow(
      /stratifiedKFold: nSplits must be at most the 2 member\(s\) of class 1, got 3/,
    );
    expect(() => stratifiedKFold([0, 1], { nSplits: 3 })).toThrow(/stratifiedKFold: nSplits must be at most the number of samples 2, got 3/);
  });

  it('errors on bad options and missing labels', () => {
    expect(() => stratifiedKFold([0, 1, 0, 1], { nSplits: 1 })).toThrow(/stratifiedKFold: .*nSplits.*1/);
    expect(() => stratifiedKFold([0, 1, 0, 1], { nSplits: 2.5 })).toThrow(/2\.5/);
    expect(() => stratifiedKFold([0, 1, 0, 1], { nSplits: 2, seed: 3 })).toThrow(/stratifiedKFold: seed must be left out without shuffle: true \(it has no effect\), got 3/);
    expect(() => stratifiedKFold([0, 1, undefined, 1], { nSplits: 2 })).toThrow(/stratifiedKFold: labels\[2\] must be a class label .*got undefined/);
    expect(() => stratifiedKFold([0, Number.NaN, 0, 1], { nSplits: 2 })).toThrow(/labels\[1\] .*got NaN/);
    expect(() => stratifiedKFold([], { nSplits: 2 })).toThrow(/nSplits must be at most the number of samples 0, got 2/);
  });
});

describe('stratifiedKFold on the real development cohort (patient level)', () => {
  it('gives 5 folds that keep the malignant/reactive ratio within one patient', async () => {
    const { patients } = await loadCohort(DLMI_DIR);
    const labels = patients.map((p) => p.label);
    const n = labels.length;
    const nMalignant = labels.filter((l) => l === 1).length;
    const folds = stratifiedKFold(labels, { nSplits: 5, shuffle: true, seed: 42 });
    const seen = new Set<string>();
    for (const { test } of folds) {
      for (const i of test) seen.add(patients[i]?.id ?? '');
      const malignant = test.filter((i) => labels[i] === 1).length;
      expect(Math.abs(malignant - nMalignant / 5)).toBeLessThan(1);
    }
    expect(seen.size).toBe(n);
  });
});
