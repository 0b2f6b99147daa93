import { describe, expect, it } from 'vitest';
import { cvOutOfFold } from '../../src/report/index.js';
import type { CrossValidationResult } from '../../src/training/index.js';

const metrics = { balancedAccuracy: 1, auc: 1, sensitivity: 1, specificity: 1 };

/** A 4-patient, 2-fold, 1-repeat result with a gate, one expert (one null) and a count. */
function result(probability = Float32Array.of(0.1, 0.2, 0.7, Number.NaN)): CrossValidationResult {
  return {
    estimator: 'test',
    folds: [
      { repeat: 0, fold: 0, train: [1, 3], test: [0, 2], metrics },
      { repeat: 0, fold: 1, train: [0, 2], test: [1, 3], metrics },
    ],
    repeats: [
      {
        repeat: 0,
        metrics,
        outOfFold: {
          probability,
          gate: Float32Array.of(0.3, 0.4, 0.5, 0.6),
          experts: { image: Float32Array.of(0.1, 0.2, 0.3, 0.4), cells: null },
          lymphCount: Float32Array.of(1.5, 2.5, 30, 40),
        },
      },
    ],
    mean: metrics,
    sdOverRepeats: metrics,
    sdOverFolds: metrics,
    models: null,
  };
}

describe('cvOutOfFold', () => {
  it("gives each patient's fold and predictions as short JSON numbers, NaN as null, null experts left out", () => {
    const oof = cvOutOfFold(result(), { patients: ['a', 'b', 'c', 'd'], labels: [0, 0, 1, 1], lymphCount: [2, 3, undefined, 50] });
    expect(oof).toEqual({
      patients: ['a', 'b', 'c', 'd'],
      labels: [0, 0, 1, 1],
      lymphCount: [2, 3, null, 50],
      repeats: [
        {
          repeat: 0,
          fold: [0, 1, 0, 1],
          probability: [0.1, 0.2, 0.7, null],
          gate: [0.3, 0.4, 0.5, 0.6],
          experts: { image: [0.1, 0.2, 0.3, 0.4] },
          lymphCount: [1.5, 2.5, 30, 40],
        },
      ],
    });
    // Float32 0.1 is 0.10000000149…: 6 significant digits keep the JSON short.
    expect(JSON.stringify(oof)).not.toMatch(/0000001/);
  });

  it('gives null for what the model does not have, and unknown counts without truth counts', () => {
    const r = result();
    const bare = { ...r, repeats: [{ ...r.repeats[0]!, outOfFold: { probability: r.repeats[0]!.outOfFold.probability } }] };
    const oof = cvOutOfFold(bare, { patients: ['a', 'b', 'c', 'd'], labels: [0, 0, 1, 1] });
    expect(oof.repeats[0]).toMatchObject({ gate: null, experts: null, lymphCount: null });
    expect(oof.lymphCount).toEqual([null, null, null, null]);
  });

  it('refuses truth or predictions of another length, naming cvOutOfFold and the argument', () => {
    expect(() => cvOutOfFold(result(), { patients: ['a', 'b', 'c', 'd'], labels: [0, 1] })).toThrow(/cvOutOfFold.*truth\.labels/);
    expect(() => cvOutOfFold(result(), { patients: ['a', 'b', 'c', 'd'], labels: [0, 0, 1, 1], lymphCount: [1] })).toThrow(/cvOutOfFold.*truth\.lymphCount/);
    expect(() => cvOutOfFold(result(Float32Array.of(0.1)), { patients: ['a', 'b', 'c', 'd'], labels: [0, 0, 1, 1] })).toThrow(
      /cvOutOfFold.*result\.repeats\[0\]\.outOfFold\.probability/,
    );
  });
});
