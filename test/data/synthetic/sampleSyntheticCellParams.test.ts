import { describe, expect, it } from 'vitest';
import { sampleSyntheticCellParams, SYNTHETIC_MORPHOLOGY } from '../../../src/data/synthetic/sampleSyntheticCellParams.js';
import type { SyntheticCellParams } from '../../../src/data/synthetic/sampleSyntheticCellParams.js';
import { seededRandom } from '../../../src/core/index.js';

const draw = (abnormal: boolean, n: number, options = {}): SyntheticCellParams[] => {
  const r = seededRandom(abnormal ? 11 : 12);
  return Array.from({ length: n }, () => sampleSyntheticCellParams(r, abnormal, options));
};
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('sampleSyntheticCellParams', () => {
  it('is deterministic in the stream', () => {
    expect(sampleSyntheticCellParams(seededRandom(5), true)).toEqual(sampleSyntheticCellParams(seededRandom(5), true));
  });

  it('draws abnormal cells larger, with a higher N/C ratio, more irregular, more cleft and coarser chromatin', () => {
    const normal = draw(false, 400);
    const abnormal = draw(true, 400);
    const key = (ps: SyntheticCellParams[], k: keyof SyntheticCellParams): number => mean(ps.map((p) => p[k] as number));
    expect(key(abnormal, 'nucleusRadius') - key(normal, 'nucleusRadius')).toBeGreaterThan(0.7 * SYNTHETIC_MORPHOLOGY.nucleusRadius.abnormalShift);
    expect(key(abnormal, 'ncRatio')).toBeGreaterThan(key(normal, 'ncRatio') + 0.1);
    expect(key(abnormal, 'irregularity')).toBeGreaterThan(key(normal, 'irregularity') + 0.03);
    expect(key(abnormal, 'chromatinContrast')).toBeGreaterThan(key(normal, 'chromatinContrast') + 0.15);
    expect(mean(abnormal.map((p) => p.clefts.length))).toBeGreaterThan(mean(normal.map((p) => p.clefts.length)) + 0.3);
    expect(abnormal.every((p) => p.abnormal) && normal.every((p) => !p.abnormal)).toBe(true);
  });

  it('keeps the distributions overlapping: some normal cells are larger than some abnormal ones', () => {
    const normal = draw(false, 200).map((p) => p.nucleusRadius);
    const abnormal = draw(true, 200).map((p) => p.nucleusRadius);
    expect(Math.max(...normal)).toBeGreaterThan(Math.min(...abnormal) + 2);
  });

  it('with morphologyEffect 0, abnormal cells are drawn from the normal distribution', () => {
    const a = draw(true, 400, { morphologyEffect: 0 });
    const n = draw(false, 400, { morphologyEffect: 0 });
    expect(Math.abs(mean(a.map((p) => p.nucleusRadius)) - mean(n.map((p) => p.nucleusRadius)))).toBeLessThan(0.5);
    expect(Math.abs(mean(a.map((p) => p.irregularity)) - mean(n.map((p) => p.irregularity)))).toBeLessThan(0.004);
  });

  it('with cellNoise 0, cells of a kind share their morphology (up to clefts and the layout seed)', () => {
    const ps = draw(false, 20, { cellNoise: 0 });
    expect(new Set(ps.map((p) => p.nucleusRadius)).size).toBe(1);
    expect(new Set(ps.map((p) => p.ncRatio)).size).toBe(1);
    expect(new Set(ps.map((p) => p.seed)).size).toBe(20);
  });

  it('applies the patient baseline and clamps every field to its documented range', () => {
    const big = sampleSyntheticCellParams(seededRandom(1), false, { cellNoise: 0, baseline: { nucleusRadius: 3 } });
    expect(big.nucleusRadius).toBeCloseTo(SYNTHETIC_MORPHOLOGY.nucleusRadius.mean + 3, 10);
    const extreme = draw(true, 200, { morphologyEffect: 10, cellNoise: 5 });
    for (const p of extreme) {
      expect(p.nucleusRadius).toBeGreaterThanOrEqual(8);
      expect(p.nucleusRadius).toBeLessThanOrEqual(60);
      expect(p.ncRatio).toBeGreaterThanOrEqual(0.3);
      expect(p.ncRatio).toBeLessThanOrEqual(0.95);
      expect(p.irregularity).toBeLessThanOrEqual(0.3);
      expect(p.chromatinContrast).toBeLessThanOrEqual(1);
      expect(p.clefts.length).toBeLessThanOrEqual(3);
      for (const c of p.clefts) expect(c.depth).toBeLessThanOrEqual(0.6);
    }
  });

  it('rejects negative or non-finite options naming the function and the value', () => {
    expect(() => sampleSyntheticCellParams(seededRandom(1), true, { morphologyEffect: -1 })).toThrow(
      /^sampleSyntheticCellParams: options\.morphologyEffect must be a finite number ≥ 0, got -1$/,
    );
    expect(() => sampleSyntheticCellParams(seededRandom(1), true, { cellNoise: Number.NaN })).toThrow(/cellNoise.*NaN/);
  });
});
