import { describe, expect, it } from 'vitest';
import { renderSyntheticCell } from '../../../src/data/synthetic/renderSyntheticCell.js';
import { sampleSyntheticCellParams } from '../../../src/data/synthetic/sampleSyntheticCellParams.js';
import type { SyntheticCellParams } from '../../../src/data/synthetic/sampleSyntheticCellParams.js';
import { seededRandom } from '../../../src/core/index.js';
import type { Mask } from '../../../src/io/image/rgbImage.js';

const params = (seed: number, abnormal = false): SyntheticCellParams => sampleSyntheticCellParams(seededRandom(seed), abnormal);
const count = (m: Mask): number => m.data.reduce((a, b) => a + b, 0);
const centroid = (m: Mask): [number, number] => {
  const w = m.shape[1]!;
  let sx = 0;
  let sy = 0;
  let n = 0;
  m.data.forEach((v, i) => {
    if (v) {
      sx += i % w;
      sy += Math.floor(i / w);
      n++;
    }
  });
  return [sx / n, sy / n];
};
/** Mean RGB of the pixels where `where(i)` holds. */
const meanRgb = (data: Uint8Array, where: (i: number) => boolean): [number, number, number] => {
  const s = [0, 0, 0];
  let n = 0;
  for (let i = 0; i < data.length / 3; i++) {
    if (!where(i)) continue;
    s[0]! += data[3 * i]!;
    s[1]! += data[3 * i + 1]!;
    s[2]! += data[3 * i + 2]!;
    n++;
  }
  return [s[0]! / n, s[1]! / n, s[2]! / n];
};

describe('renderSyntheticCell', () => {
  it('returns a [224, 224, 3] uint8 image and [224, 224] binary masks by default', () => {
    const { image, nucleus, cell } = renderSyntheticCell(params(1));
    expect(image.shape).toEqual([224, 224, 3]);
    expect(image.data).toBeInstanceOf(Uint8Array);
    expect(nucleus.shape).toEqual([224, 224]);
    expect(cell.shape).toEqual([224, 224]);
    expect(nucleus.data.every((v) => v === 0 || v === 1)).toBe(true);
    expect(cell.data.every((v) => v === 0 || v === 1)).toBe(true);
  });

  it('is deterministic: same params → same bytes; another seed → other bytes', () => {
    const a = renderSyntheticCell(params(2));
    const b = renderSyntheticCell(params(2));
    const c = renderSyntheticCell({ ...params(2), seed: params(2).seed + 1 });
    expect(Buffer.from(a.image.data).equals(Buffer.from(b.image.data))).toBe(true);
    expect(Buffer.from(a.nucleus.data).equals(Buffer.from(b.nucleus.data))).toBe(true);
    expect(Buffer.from(a.image.data).equals(Buffer.from(c.image.data))).toBe(false);
  });

  it('draws a non-empty, centred nucleus inside the cell, with an area close to π·R²', () => {
    for (let s = 0; s < 12; s++) {
      const p = params(100 + s, s % 2 === 0);
      const { nucleus, cell } = renderSyntheticCell(p);
      const area = count(nucleus);
      const [cx, cy] = centroid(nucleus);
      expect(Math.abs(cx - 112)).toBeLessThan(16);
      expect(Math.abs(cy - 112)).toBeLessThan(16);
      // Clefts and lobes remove some area; oval shapes add a little (second order in the elongation).
      expect(area).toBeGreaterThan(0.6 * Math.PI * p.nucleusRadius ** 2);
      expect(area).toBeLessThan(1.15 * Math.PI * p.nucleusRadius ** 2);
      // The nucleus lies in the cell, and the cell has cytoplasm around it.
      expect(nucleus.data.some((v, i) => v === 1 && cell.data[i] === 0)).toBe(false);
      expect(count(cell)).toBeGreaterThan(area);
      // Nothing touches the border.
      let border = 0;
      for (let i = 0; i < 224; i++) border += nucleus.data[i]! + nucleus.data[223 * 224 + i]! + nucleus.data[i * 224]! + nucleus.data[i * 224 + 223]!;
      expect(border).toBe(0);
    }
  });

  it('has MGG colours: pale beige background, dark purple nucleus, bluish cytoplasm, pinkish red cells', () => {
    const { image, nucleus, cell } = renderSyntheticCell(params(3));
    const nuc = meanRgb(image.data, (i) => nucleus.data[i] === 1);
    const cyto = meanRgb(image.data, (i) => cell.data[i] === 1 && nucleus.data[i] === 0);
    const corner = meanRgb(image.data, (i) => i % 224 < 6 && i < 6 * 224);
    // Nucleus: dark, blue > red > green (purple).
    expect(nuc[0] + nuc[1] + nuc[2]).toBeLessThan(3 * 140);
    expect(nuc[2]).toBeGreaterThan(nuc[0]);
    expect(nuc[0]).toBeGreaterThan(nuc[1]);
    // Cytoplasm: light, bluer than the background.
    expect(cyto[0] + cyto[1] + cyto[2]).toBeGreaterThan(3 * 170);
    expect(cyto[2] - cyto[0]).toBeGreaterThan(0);
    // The image is mostly bright (background + pale red cells); its brightest tenth is beige (R > G > B).
    const bright = meanRgb(image.data, (i) => image.data[3 * i]! + image.data[3 * i + 1]! + image.data[3 * i + 2]! > 640);
    expect(bright[0]).toBeGreaterThan(bright[1]);
    expect(bright[1]).toBeGreaterThan(bright[2]);
    expect(corner.every((v) => v > 120)).toBe(true);
  });

  it('draws red cells with a paler centre: with them the background is darker than without', () => {
    const p = params(4);
    const plain = renderSyntheticCell(p, { redCellDensity: 0, pixelNoise: 0, plateletProbability: 0 });
    const withReds = renderSyntheticCell(p, { pixelNoise: 0, plateletProbability: 0 });
    const outside = (i: number): boolean => plain.cell.data[i] === 0;
    const a = meanRgb(plain.image.data, outside);
    const b = meanRgb(withReds.image.data, outside);
    expect(a[1] - b[1]).toBeGreaterThan(8);
    // Without red cells and noise, the background is smooth: neighbours differ by at most a level or two.
    let maxStep = 0;
    for (let x = 1; x < 30; x++) maxStep = Math.max(maxStep, Math.abs(plain.image.data[3 * x]! - plain.image.data[3 * (x - 1)]!));
    expect(maxStep).toBeLessThanOrEqual(2);
  });

  it('scales to other sizes (degenerate small crop of 32 px still has a centred nucleus)', () => {
    const small = renderSyntheticCell(params(5), { size: 32 });
    expect(small.image.shape).toEqual([32, 32, 3]);
    const [cx, cy] = centroid(small.nucleus);
    expect(count(small.nucleus)).toBeGreaterThan(20);
    expect(Math.abs(cx - 16)).toBeLessThan(4);
    expect(Math.abs(cy - 16)).toBeLessThan(4);
    const big = renderSyntheticCell(params(5), { size: 448 });
    expect(count(big.nucleus) / count(renderSyntheticCell(params(5)).nucleus)).toBeCloseTo(4, 0);
  });

  it('renders a smooth nucleus when chromatinContrast is 0 and a textured one otherwise', () => {
    const base = { ...params(6), clefts: [] };
    const sd = (c: number): number => {
      const { image, nucleus } = renderSyntheticCell({ ...base, chromatinContrast: c }, { pixelNoise: 0 });
      const g: number[] = [];
      nucleus.data.forEach((v, i) => {
        if (v) g.push(image.data[3 * i + 1]!);
      });
      const m = g.reduce((a, b) => a + b, 0) / g.length;
      return Math.sqrt(g.reduce((a, b) => a + (b - m) ** 2, 0) / g.length);
    };
    expect(sd(0.8)).toBeGreaterThan(2 * sd(0));
  });

  it('rejects out-of-range options and params naming the function and the value', () => {
    expect(() => renderSyntheticCell(params(1), { size: 16 })).toThrow(/^renderSyntheticCell: options\.size must be an integer ≥ 32 and ≤ 1024, got 16$/);
    expect(() => renderSyntheticCell(params(1), { size: 100.5 })).toThrow(/size.*100\.5/);
    expect(() => renderSyntheticCell(params(1), { redCellDensity: -1 })).toThrow(/redCellDensity.*-1/);
    expect(() => renderSyntheticCell(params(1), { plateletProbability: 2 })).toThrow(/plateletProbability.*2/);
    expect(() => renderSyntheticCell({ ...params(1), ncRatio: 0 })).toThrow(/params\.ncRatio.*got 0/);
    expect(() => renderSyntheticCell({ ...params(1), nucleusRadius: Number.NaN })).toThrow(/params\.nucleusRadius.*NaN/);
    expect(() => renderSyntheticCell({ ...params(1), seed: -3 })).toThrow(/params\.seed.*-3/);
  });
});
