import { describe, expect, it } from 'vitest';
import { thresholdMultiOtsu } from '../../../src/segmentation/threshold/index.js';

describe('thresholdMultiOtsu', () => {
  it('three levels: two thresholds, one between each pair of levels', () => {
    const v = new Uint8Array([20, 20, 21, 100, 101, 100, 220, 221, 219]);
    const [t1, t2] = thresholdMultiOtsu(v) as [number, number];
    expect(t1).toBeGreaterThanOrEqual(21);
    expect(t1).toBeLessThan(100);
    expect(t2).toBeGreaterThanOrEqual(101);
    expect(t2).toBeLessThan(219);
  });

  it('classes = 2 agrees with the two-level split', () => {
    expect(thresholdMultiOtsu(new Uint8Array([10, 10, 200, 200]), { classes: 2 })).toEqual([10]);
  });

  it('four classes on float input give increasing thresholds', () => {
    const v = new Float64Array([0, 0.01, 0.3, 0.31, 0.6, 0.61, 0.9, 0.91]);
    const t = thresholdMultiOtsu(v, { classes: 4, nbins: 64 });
    expect(t).toHaveLength(3);
    // each threshold is the centre of the last bin of the lower class: between the groups
    expect(t[0]!).toBeGreaterThan(0);
    expect(t[0]!).toBeLessThan(0.3);
    expect(t[1]!).toBeGreaterThan(0.3);
    expect(t[1]!).toBeLessThan(0.6);
    expect(t[2]!).toBeGreaterThan(0.6);
    expect(t[2]!).toBeLessThan(0.9);
  });

  it('too few distinct values or bad classes: errors that name the function', () => {
    expect(() => thresholdMultiOtsu(new Uint8Array([5, 5, 9]))).toThrow(/thresholdMultiOtsu: .*3 distinct/);
    expect(() => thresholdMultiOtsu(new Uint8Array([1, 2, 3]), { classes: 1 })).toThrow(/thresholdMultiOtsu/);
  });
});
