import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { otsuIndexFromHistogram, thresholdOtsu } from '../../../src/segmentation/threshold/index.js';

describe('thresholdOtsu', () => {
  it('splits a two-level 8-bit image between the levels', () => {
    const v = new Uint8Array([10, 10, 10, 200, 200]);
    const t = thresholdOtsu(v);
    expect(t).toBeGreaterThanOrEqual(10);
    expect(t).toBeLessThan(200);
  });

  it('puts the threshold at the first level of an empty plateau (ties go to the lowest index)', () => {
    expect(thresholdOtsu(new Uint8Array([10, 10, 200, 200]))).toBe(10);
  });

  it('maximises the between-class variance (brute force on a small histogram)', () => {
    const hist = [3, 0, 7, 1, 0, 0, 9, 2];
    let best = -1;
    let arg = -1;
    for (let t = 0; t < hist.length - 1; t++) {
      let w0 = 0, m0 = 0, w1 = 0, m1 = 0;
      hist.forEach((c, i) => (i <= t ? ((w0 += c), (m0 += c * i)) : ((w1 += c), (m1 += c * i))));
      if (w0 === 0 || w1 === 0) continue;
      const v = w0 * w1 * (m0 / w0 - m1 / w1) ** 2;
      if (v > best + 1e-9) {
        best = v;
        arg = t;
      }
    }
    expect(otsuIndexFromHistogram(hist)).toBe(arg);
  });

  it('constant image: returns the value, so that `> t` is empty', () => {
    expect(thresholdOtsu(new Uint8Array([77, 77, 77]))).toBe(77);
    expect(thresholdOtsu(new Float32Array([0.25, 0.25]))).toBe(0.25);
  });

  it('single value and all-zero histogram', () => {
    expect(thresholdOtsu(new Uint8Array([0]))).toBe(0);
    expect(otsuIndexFromHistogram([0, 0, 0])).toBe(0);
  });

  it('float input: returns a bin centre between the two groups', () => {
    const t = thresholdOtsu(new Float64Array([0, 0.1, 0.05, 0.9, 1, 0.95]), { nbins: 100 });
    expect(t).toBeGreaterThan(0.1);
    expect(t).toBeLessThan(0.9);
  });

  it('rejects empty input, NaN and bad nbins with the function name', () => {
    expect(() => thresholdOtsu(new Uint8Array(0))).toThrow(/thresholdOtsu/);
    expect(() => thresholdOtsu(new Float32Array([0, NaN]))).toThrow(/thresholdOtsu: .*NaN/);
    expect(() => thresholdOtsu(new Float32Array([0, 1]), { nbins: 1 })).toThrow(/thresholdOtsu: .*nbins/);
  });

  it('property: Otsu of any two-level image separates the levels', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 254 }),
        fc.integer({ min: 1, max: 255 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 50 }),
        (a, gap, na, nb) => {
          const lo = a;
          const hi = Math.min(255, a + gap);
          fc.pre(hi > lo);
          const v = new Uint8Array(na + nb);
          v.fill(lo, 0, na);
          v.fill(hi, na);
          const t = thresholdOtsu(v);
          return lo <= t && t < hi;
        },
      ),
    );
  });
});
