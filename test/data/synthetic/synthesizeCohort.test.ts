import { ArgumentError } from '../../../src/core/index.js';
import { describe, expect, it } from 'vitest';
import { resolveSynthesizeCohortOptions, synthesizeCohort } from '../../../src/data/synthetic/synthesizeCohort.js';
import type { SyntheticPatient } from '../../../src/data/synthetic/synthesizeCohort.js';
import type { Mask } from '../../../src/io/image/rgbImage.js';

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const metadata = (p: SyntheticPatient): unknown => ({
  id: p.id,
  label: p.label,
  gender: p.gender,
  dateOfBirth: p.dateOfBirth,
  age: p.age,
  lymphCount: p.lymphCount,
  imageCount: p.imageCount,
  abnormalFraction: p.abnormalFraction,
});

/**
 * Area and a radial irregularity: the coefficient of variation of the boundary pixels' distance to the centroid
 * (0 for a disc; larger for ovals, lobes and clefts). Independent of the generator's polar maths.
 */
function shape(m: Mask): { area: number; irregularity: number } {
  const [h, w] = m.shape as [number, number];
  let area = 0;
  let sx = 0;
  let sy = 0;
  const boundary: [number, number][] = [];
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      if (!m.data[i]) continue;
      area++;
      sx += x;
      sy += y;
      if (!m.data[i - 1] || !m.data[i + 1] || !m.data[i - w] || !m.data[i + w]) boundary.push([x, y]);
    }
  }
  const cx = sx / area;
  const cy = sy / area;
  const d = boundary.map(([x, y]) => Math.hypot(x - cx, y - cy));
  const md = mean(d);
  return { area, irregularity: Math.sqrt(mean(d.map((v) => (v - md) ** 2))) / md };
}

describe('synthesizeCohort', () => {
  it('makes patientCount patients P0… with the exact class balance, shuffled', () => {
    const ps = synthesizeCohort({ seed: 1, patientCount: 40, malignantFraction: 0.7 });
    expect(ps.map((p) => p.id)).toEqual(Array.from({ length: 40 }, (_, i) => `P${i}`));
    expect(ps.filter((p) => p.label === 1)).toHaveLength(28);
    // Shuffled: the malignant patients are not simply the first 28.
    expect(ps.slice(0, 28).every((p) => p.label === 1)).toBe(false);
  });

  it('handles the degenerate class balances 0 and 1, and a single patient', () => {
    expect(synthesizeCohort({ patientCount: 5, malignantFraction: 0 }).every((p) => p.label === 0)).toBe(true);
    expect(synthesizeCohort({ patientCount: 5, malignantFraction: 1 }).every((p) => p.label === 1)).toBe(true);
    const [only, ...rest] = synthesizeCohort({ patientCount: 1, imagesPerPatient: { min: 1, max: 1 } });
    expect(rest).toHaveLength(0);
    expect(only!.imageCount).toBe(1);
    expect([...only!.images()]).toHaveLength(1);
  });

  it('is deterministic in the seed (metadata and pixels) and differs between seeds', () => {
    const a = synthesizeCohort({ seed: 7, patientCount: 6 });
    const b = synthesizeCohort({ seed: 7, patientCount: 6 });
    const c = synthesizeCohort({ seed: 8, patientCount: 6 });
    expect(a.map(metadata)).toEqual(b.map(metadata));
    expect(a.map(metadata)).not.toEqual(c.map(metadata));
    expect(Buffer.from(a[2]!.renderImage(1).image.data).equals(Buffer.from(b[2]!.renderImage(1).image.data))).toBe(true);
    expect(Buffer.from(a[2]!.renderImage(1).image.data).equals(Buffer.from(c[2]!.renderImage(1).image.data))).toBe(false);
  });

  it('renders images lazily and independently of order; images() yields them in index order', () => {
    const [p] = synthesizeCohort({ seed: 3, patientCount: 1, imagesPerPatient: { min: 4, max: 4 } });
    const late = p!.renderImage(3);
    const all = [...p!.images()];
    expect(all).toHaveLength(4);
    expect(Buffer.from(all[3]!.image.data).equals(Buffer.from(late.image.data))).toBe(true);
    expect(Buffer.from(all[0]!.image.data).equals(Buffer.from(all[1]!.image.data))).toBe(false);
    expect(p!.cellParams(2)).toEqual(all[2]!.params);
    expect(() => p!.renderImage(4)).toThrow(/^SyntheticPatient\.renderImage: index must be an integer in \[0, 4\) for P0, got 4$/);
    expect(() => p!.renderImage(-1)).toThrow(/got -1/);
  });

  it('draws image counts in [min, max] and consistent dates: ISO date of birth, age = days / 365.25 at the reference date', () => {
    const ps = synthesizeCohort({ seed: 2, patientCount: 50, imagesPerPatient: { min: 3, max: 9 } });
    const counts = ps.map((p) => p.imageCount);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(3);
    expect(Math.max(...counts)).toBeLessThanOrEqual(9);
    expect(new Set(counts).size).toBeGreaterThan(3);
    for (const p of ps) {
      expect(p.dateOfBirth).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      const days = (Date.UTC(2024, 0, 1) - Date.parse(`${p.dateOfBirth}T00:00:00Z`)) / 86_400_000;
      expect(p.age).toBeCloseTo(days / 365.25, 10);
      expect(p.age).toBeGreaterThanOrEqual(17.9);
      expect(p.age).toBeLessThanOrEqual(99.1);
      expect(p.lymphCount).toBe(Math.round(p.lymphCount * 100) / 100);
      expect(['M', 'F']).toContain(p.gender);
    }
    const at2000 = synthesizeCohort({ seed: 2, patientCount: 1, referenceDate: '2000-06-30' })[0]!;
    expect(at2000.dateOfBirth < '2000-06-30').toBe(true);
  });

  it('gives malignant patients higher lymphocyte counts and ages on average, with overlap (learnable, not trivial)', () => {
    const ps = synthesizeCohort({ seed: 4, patientCount: 300 });
    const mal = ps.filter((p) => p.label === 1);
    const rea = ps.filter((p) => p.label === 0);
    expect(median(mal.map((p) => p.lymphCount)) / median(rea.map((p) => p.lymphCount))).toBeGreaterThan(1.4);
    expect(mean(mal.map((p) => p.age)) - mean(rea.map((p) => p.age))).toBeGreaterThan(5);
    // Overlap: a fair share of malignant patients have a count below the reactive 90th percentile.
    const rea90 = [...rea.map((p) => p.lymphCount)].sort((a, b) => a - b)[Math.floor(0.9 * rea.length)]!;
    const below = mal.filter((p) => p.lymphCount < rea90).length / mal.length;
    expect(below).toBeGreaterThan(0.15);
    expect(below).toBeLessThan(0.6);
    // The abnormal-cell fractions of the classes overlap as well.
    expect(Math.min(...mal.map((p) => p.abnormalFraction))).toBeLessThan(Math.max(...rea.map((p) => p.abnormalFraction)));
  });

  it('with metadataEffect 0, the metadata carry (almost) no class signal', () => {
    const ps = synthesizeCohort({ seed: 4, patientCount: 300, metadataEffect: 0 });
    const mal = ps.filter((p) => p.label === 1);
    const rea = ps.filter((p) => p.label === 0);
    expect(Math.abs(mean(mal.map((p) => p.age)) - mean(rea.map((p) => p.age)))).toBeLessThan(4);
    expect(median(mal.map((p) => Math.log(p.lymphCount))) - median(rea.map((p) => Math.log(p.lymphCount)))).toBeLessThan(0.2);
  });

  it('ground-truth masks differ in the documented direction: malignant nuclei larger and more irregular on average', () => {
    // Patient-level variation dominates (abnormal fraction, baseline), so many patients with few images each.
    const ps = synthesizeCohort({ seed: 5, patientCount: 40, malignantFraction: 0.5, imagesPerPatient: { min: 2, max: 2 } });
    const byClass = { 0: [] as { area: number; irregularity: number }[], 1: [] as { area: number; irregularity: number }[] };
    for (const p of ps) for (const cell of p.images()) byClass[p.label].push(shape(cell.nucleus));
    expect(mean(byClass[1].map((s) => s.area))).toBeGreaterThan(1.04 * mean(byClass[0].map((s) => s.area)));
    expect(mean(byClass[1].map((s) => s.irregularity))).toBeGreaterThan(1.15 * mean(byClass[0].map((s) => s.irregularity)));
  });

  it('with morphologyEffect 0 and no patient noise, nuclei of both classes look alike', () => {
    const ps = synthesizeCohort({
      seed: 5,
      patientCount: 16,
      malignantFraction: 0.5,
      imagesPerPatient: { min: 6, max: 6 },
      morphologyEffect: 0,
      patientNoise: 0,
    });
    const area = { 0: [] as number[], 1: [] as number[] };
    for (const p of ps) for (let i = 0; i < p.imageCount; i++) area[p.label].push(p.cellParams(i).nucleusRadius);
    expect(Math.abs(mean(area[1]) - mean(area[0]))).toBeLessThan(1);
  });

  it('rejects out-of-range options naming the function, the option and the value', () => {
    expect(() => synthesizeCohort({ patientCount: 0 })).toThrow(/^synthesizeCohort: options\.patientCount must be an integer ≥ 1 and ≤ 100000, got 0$/);
    expect(() => synthesizeCohort({ patientCount: 2.5 })).toThrow(/patientCount.*2\.5/);
    expect(() => synthesizeCohort({ malignantFraction: 1.5 })).toThrow(/malignantFraction.*1\.5/);
    expect(() => synthesizeCohort({ seed: Number.NaN })).toThrow(/seed.*null|seed.*NaN/);
    expect(() => synthesizeCohort({ imagesPerPatient: { min: 5, max: 2 } })).toThrow(/imagesPerPatient.*min ≤ max/);
    expect(() => synthesizeCohort({ imagesPerPatient: { min: 0, max: 2 } })).toThrow(/imagesPerPatient\.min.*got 0/);
    expect(() => synthesizeCohort({ abnormalFraction: { malignant: [0.9, 0.1] } })).toThrow(/abnormalFraction\.malignant.*lo ≤ hi/);
    expect(() => synthesizeCohort({ abnormalFraction: { reactive: [0, 2] } })).toThrow(/abnormalFraction\.reactive\[1\].*got 2/);
    expect(() => synthesizeCohort({ morphologyEffect: -0.1 })).toThrow(/morphologyEffect.*-0\.1/);
    expect(() => synthesizeCohort({ metadataNoise: 0 })).toThrow(/options\.metadataNoise must be a finite number > 0 and ≤ 10, got 0/);
    expect(() => synthesizeCohort({ referenceDate: '2020-02-30' })).toThrow(/options\.referenceDate must be a valid calendar date, got "2020-02-30"/);
    expect(() => synthesizeCohort({ referenceDate: '1/1/2020' })).toThrow(/options\.referenceDate must be an ISO date/);
    expect(() => synthesizeCohort({ seed: 1, patientCount: 0 })).toThrow(ArgumentError);
    expect(() => synthesizeCohort({ render: { size: 8 } })).toThrow(/^synthesizeCohort: options\.render\.size must be an integer ≥ 32 and ≤ 1024, got 8$/);
  });

  it('resolves the documented defaults', () => {
    const o = resolveSynthesizeCohortOptions();
    expect(o).toMatchObject({
      seed: 0,
      patientCount: 100,
      malignantFraction: 0.7,
      imagesPerPatient: { min: 16, max: 48 },
      abnormalFraction: { reactive: [0, 0.25], malignant: [0.15, 0.85] },
      morphologyEffect: 1,
      cellNoise: 1,
      patientNoise: 1,
      metadataEffect: 1,
      metadataNoise: 1,
      referenceDate: '2024-01-01',
    });
  });
});
