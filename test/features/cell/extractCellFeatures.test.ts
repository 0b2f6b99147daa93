import { ArgumentError } from '../../../src/core/index.js';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRgbImage } from '../../../src/io/image/rgbImage.js';
import {
  cellFeaturesFromSegmentation,
  extractCellFeatures,
  FEATURE_NAMES,
  featuresToVector,
  MEASUREMENT_NAMES,
} from '../../../src/features/cell/index.js';
import { segmentNucleus } from '../../../src/segmentation/nucleus/index.js';
import { syntheticCell } from '../../segmentation/nucleus/syntheticCell.js';

const finite = (r: Readonly<Record<string, number>>): boolean => Object.values(r).every(Number.isFinite);

describe('FEATURE_NAMES / MEASUREMENT_NAMES', () => {
  it('51 unique names: 3 shape features then 12 channels × 4 ratios', () => {
    expect(FEATURE_NAMES).toHaveLength(51);
    expect(new Set(FEATURE_NAMES).size).toBe(51);
    expect(FEATURE_NAMES.slice(0, 4)).toEqual(['solidity', 'convexity', 'circularity', 'rgb.r.meanRatioNucleus']);
    expect(FEATURE_NAMES).toContain('lab.a.meanRatioNucleus');
    expect(FEATURE_NAMES[50]).toBe('ycrcb.cb.stdRatioRoc');
    expect(MEASUREMENT_NAMES).toEqual(['threshold', 'area', 'areaConvex', 'perimeter', 'perimeterConvex']);
  });
});

describe('extractCellFeatures', () => {
  it('digital disk: circularity ≈ 1 and solidity ≈ 1', () => {
    const { features, status } = extractCellFeatures(syntheticCell({ size: 128, radius: 30, noise: 0 }).image);
    expect(status).toBe('ok');
    expect(features!.solidity).toBeGreaterThan(0.97);
    expect(features!.solidity).toBeLessThanOrEqual(1);
    expect(features!.circularity).toBeGreaterThan(0.9);
    expect(features!.circularity).toBeLessThan(1.12);
    expect(features!.convexity).toBeGreaterThan(0.9);
    expect(features!.convexity).toBeLessThanOrEqual(1);
  });

  it('notched disk: lower solidity and convexity than the disk', () => {
    const disk = extractCellFeatures(syntheticCell({ size: 128, radius: 30, noise: 0 }).image).features!;
    const notched = extractCellFeatures(syntheticCell({ size: 128, radius: 30, notch: 14, noise: 0 }).image).features!;
    expect(notched.solidity).toBeLessThan(disk.solidity - 0.03);
    expect(notched.convexity).toBeLessThan(disk.convexity - 0.03);
    expect(notched.circularity).toBeGreaterThan(disk.circularity);
  });

  it('colour ratios: the purple nucleus is less green than its hull, the ROC greener', () => {
    const f = extractCellFeatures(syntheticCell({ notch: 10 }).image).features!;
    expect(f['rgb.g.meanRatioNucleus']).toBeLessThan(1);
    expect(f['rgb.g.meanRatioRoc']).toBeGreaterThan(1);
    expect(finite(f)).toBe(true);
  });

  it('matches a direct computation of the ratios from the masks', () => {
    const { image } = syntheticCell({ notch: 10 });
    const seg = segmentNucleus(image);
    const f = cellFeaturesFromSegmentation(seg).features!;
    const stats = (c: number, mask: Uint8Array): [number, number] => {
      const v: number[] = [];
      mask.forEach((m, i) => m && v.push(seg.balanced.data[i * 3 + c]!));
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      return [mean, Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length)];
    };
    const [mh, sh] = stats(2, seg.hull.data);
    const [mn, sn] = stats(2, seg.nucleus.data);
    const [mr, sr] = stats(2, seg.roc.data);
    expect(f['rgb.b.meanRatioNucleus']).toBeCloseTo(mn / mh, 12);
    expect(f['rgb.b.stdRatioNucleus']).toBeCloseTo(sn / sh, 12);
    expect(f['rgb.b.meanRatioRoc']).toBeCloseTo(mr / mh, 12);
    expect(f['rgb.b.stdRatioRoc']).toBeCloseTo(sr / sh, 12);
    const m = seg.measurements;
    expect(f.solidity).toBe(m.area / m.areaConvex);
    expect(f.circularity).toBeCloseTo(m.perimeter ** 2 / (4 * Math.PI * m.area), 12);
  });

  it('features read the balanced pixels without materialising them, identically to reading seg.balanced', () => {
    const { image } = syntheticCell({ notch: 10, lobe: 6 });
    const seg = segmentNucleus(image);
    const direct = cellFeaturesFromSegmentation(seg); // through the balance tables
    // a copy is not the segmentation object: its features come from its `balanced` image itself
    const copy = { ...seg, balanced: createRgbImage(seg.balanced.shape[1]!, seg.balanced.shape[0]!, seg.balanced.data.slice()) };
    expect(cellFeaturesFromSegmentation(copy)).toEqual(direct);
    // and a replaced balanced image is the one used
    const dark = createRgbImage(seg.balanced.shape[1]!, seg.balanced.shape[0]!, seg.balanced.data.map((v) => v >> 1));
    seg.balanced = dark;
    expect(cellFeaturesFromSegmentation(seg).features).not.toEqual(direct.features);
    expect(cellFeaturesFromSegmentation(seg)).toEqual(cellFeaturesFromSegmentation({ ...seg }));
  });

  it('empty ROC (a convex nucleus) and constant hull give undefinedRatio, never NaN', () => {
    // a square nucleus on a pale background: hull = nucleus, ROC empty, nucleus of one colour
    const w = 40;
    const data = new Uint8Array(w * w * 3);
    for (let y = 0; y < w; y++) {
      for (let x = 0; x < w; x++) {
        const inside = x >= 12 && x < 28 && y >= 12 && y < 28;
        data.set(inside ? [118, 62, 158] : [232, 202, 212], (y * w + x) * 3);
      }
    }
    const image = createRgbImage(w, w, data);
    const a = extractCellFeatures(image);
    expect(a.status).toBe('ok');
    expect(a.measurements.areaConvex).toBe(a.measurements.area);
    expect(a.features!['rgb.r.meanRatioRoc']).toBe(1);
    expect(a.features!['rgb.r.stdRatioNucleus']).toBe(1); // 0/0 → undefinedRatio
    expect(a.features!['rgb.r.meanRatioNucleus']).toBe(1); // nucleus = hull
    const b = extractCellFeatures(image, { undefinedRatio: -1 });
    expect(b.features!['rgb.r.meanRatioRoc']).toBe(-1);
    expect(b.features!['rgb.r.stdRatioRoc']).toBe(-1);
    expect(finite(b.features!)).toBe(true);
    expect(() => extractCellFeatures(image, { undefinedRatio: NaN })).toThrow(/extractCellFeatures/);
  });

  it('no nucleus: features null, measurements finite, status passed through', () => {
    const blank = createRgbImage(8, 8, new Uint8Array(8 * 8 * 3).fill(255));
    const r = extractCellFeatures(blank);
    expect(r.status).toBe('no-nucleus');
    expect(r.features).toBeNull();
    expect(finite(r.measurements)).toBe(true);
    const purple = createRgbImage(1, 1, Uint8Array.from([118, 62, 158]));
    expect(extractCellFeatures(purple)).toMatchObject({ status: 'no-nucleus', features: null });
    expect(extractCellFeatures(createRgbImage(1, 1)).features).toBeNull();
  });

  it('featuresToVector follows FEATURE_NAMES order', () => {
    const f = extractCellFeatures(syntheticCell().image).features!;
    const v = featuresToVector(f);
    expect(v).toHaveLength(51);
    expect(v[0]).toBe(f.solidity);
    expect(v[50]).toBe(f['ycrcb.cb.stdRatioRoc']);
    expect(v).toBeInstanceOf(Float64Array);
    const v32: Float32Array = featuresToVector(f, { dtype: 'float32' });
    expect(v32).toBeInstanceOf(Float32Array);
    expect(Array.from(v32)).toEqual(Array.from(Float32Array.from(v)));
    expect(() => featuresToVector(f, { dtype: 'int8' as 'float32' })).toThrow(
      /^featuresToVector: options\.dtype must be one of "float64", "float32", got "int8"/,
    );
    expect(() => featuresToVector(null as unknown as typeof f)).toThrow(ArgumentError);
  });

  it('names extractCellFeatures (not the segmentation inside it) in its argument errors', () => {
    const { image } = syntheticCell();
    expect(() => extractCellFeatures(image, { blurSize: 2 })).toThrow('extractCellFeatures: options.blurSize must be an odd integer ≥ 1, got 2');
    expect(() => extractCellFeatures(image, { undefinedRatio: Number.NaN })).toThrow(
      'extractCellFeatures: options.undefinedRatio must be a finite number, got NaN',
    );
    expect(() => extractCellFeatures(ndarray(new Uint8Array(4), [2, 2]) as never)).toThrow(
      /^extractCellFeatures: image must be an ndarray of shape \[H, W, 3\] \(3 dimensions\), got shape \[2, 2\]/,
    );
  });

  it('segmentation options pass through (componentPolicy)', () => {
    const { image } = syntheticCell({ size: 120, radius: 18, lobe: 12 });
    const a = extractCellFeatures(image);
    const b = extractCellFeatures(image, { componentPolicy: 'dropSmall' });
    expect(b.measurements.area).toBeGreaterThan(a.measurements.area);
  });
  it('property: any image of any size gives a status, finite measurements and null-or-finite features', () => {
    const imageArb = fc
      .record({ w: fc.integer({ min: 1, max: 14 }), h: fc.integer({ min: 1, max: 14 }) })
      .chain(({ w, h }) => fc.uint8Array({ minLength: w * h * 3, maxLength: w * h * 3 }).map((d) => createRgbImage(w, h, d)));
    fc.assert(
      fc.property(imageArb, (image) => {
        const r = extractCellFeatures(image);
        if (!finite(r.measurements)) return false;
        if (r.status === 'ok') return r.features !== null && finite(r.features);
        return r.features === null;
      }),
      { numRuns: 200 },
    );
  });
});

describe('extractCellFeatures with texture', () => {
  it('adds the 17 texture descriptors of the segmented nucleus after the 51 features, the 51 unchanged', async () => {
    const { TEXTURE_FEATURE_NAMES, extractTextureFeatures } = await import('../../../src/features/texture/index.js');
    const cell = syntheticCell({ size: 128, radius: 30, notch: 10, noise: 6 });
    const plain = extractCellFeatures(cell.image);
    const withTexture = extractCellFeatures(cell.image, { texture: true });
    expect(plain.status).toBe('ok');
    expect(Object.keys(withTexture.features!)).toEqual([...FEATURE_NAMES, ...TEXTURE_FEATURE_NAMES]);
    for (const name of FEATURE_NAMES) expect(withTexture.features![name]).toBe(plain.features![name]);
    const expected = extractTextureFeatures(cell.image, segmentNucleus(cell.image).nucleus.data);
    for (const name of TEXTURE_FEATURE_NAMES) expect((withTexture.features as Record<string, number>)[name]).toBe(expected[name]);
  });
  it('names a texture option that is not a boolean', () => {
    expect(() => extractCellFeatures(ndarray(new Uint8Array(12), [2, 2, 3]), { texture: 'yes' as unknown as boolean })).toThrow(/options\.texture/);
  });
});
