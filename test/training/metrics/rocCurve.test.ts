import { describe, expect, it } from 'vitest';
import { rocAuc, rocCurve } from '../../../src/training/metrics/index.js';
import * as lymphomix from '../../../src/index.js';
import { seededRandom } from '../../../src/core/index.js';

/** Trapezoidal area under the points. */
function trapezoid(x: number[], y: number[]): number {
  let area = 0;
  for (let i = 1; i < x.length; i++) area += ((x[i]! - x[i - 1]!) * (y[i]! + y[i - 1]!)) / 2;
  return area;
}

describe('rocCurve', () => {
  it('gives the points of the documented example', () => {
    expect(rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toEqual({
      fpr: [0, 0, 0.5, 0.5, 1],
      tpr: [0, 0.5, 0.5, 1, 1],
      thresholds: [Infinity, 0.8, 0.4, 0.35, 0.1],
    });
  });

  it('makes one diagonal step for tied scores', () => {
    const c = rocCurve([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9]);
    expect(c.fpr).toEqual([0, 0, 0.5, 1]);
    expect(c.tpr).toEqual([0, 0.5, 1, 1]);
    expect(c.thresholds).toEqual([Infinity, 0.9, 0.5, 0.2]);
  });

  it('has a trapezoidal area equal to rocAuc on random scores with ties', () => {
    const rng = seededRandom(3);
    const rand = (): number => rng.next();
    for (let trial = 0; trial < 20; trial++) {
      const n = 5 + Math.floor(rand() * 60);
      const labels = Array.from({ length: n }, (_, i) => (i < 2 ? i : rand() < 0.4 ? 1 : 0));
      const scores = labels.map((l) => Math.round((rand() + 0.3 * l) * 10) / 10);
      const c = rocCurve(labels, Float32Array.from(scores));
      expect(trapezoid(c.fpr, c.tpr)).toBeCloseTo(rocAuc(labels, Float32Array.from(scores)), 12);
      expect(c.fpr.at(-1)).toBe(1);
      expect(c.tpr.at(-1)).toBe(1);
      for (let i = 1; i < c.fpr.length; i++) {
        expect(c.fpr[i]!).toBeGreaterThanOrEqual(c.fpr[i - 1]!);
        expect(c.tpr[i]!).toBeGreaterThanOrEqual(c.tpr[i - 1]!);
        expect(c.thresholds[i]!).toBeLessThan(c.thresholds[i - 1]!);
      }
    }
  });

  it('refuses one class, NaN scores and mismatched lengths, naming rocCurve', () => {
    expect(() => rocCurve([1, 1], [0.2, 0.3])).toThrow(/rocCurve: only one class/);
    expect(() => rocCurve([0, 1], [0.2, Number.NaN])).toThrow(/rocCurve.*scores\[1\]/);
    expect(() => rocCurve([0, 1], [0.2])).toThrow(/rocCurve.*scores/);
  });

  it('is exported from the package root', () => {
    expect(lymphomix.rocCurve).toBe(rocCurve);
  });
});
