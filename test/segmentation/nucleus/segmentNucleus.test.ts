import { ArgumentError } from '../../../src/core/index.js';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { createRgbImage } from '../../../src/io/image/rgbImage.js';
import type { RgbImage } from '../../../src/io/image/rgbImage.js';
import { colorBalance, nucleusMap, segmentNucleus } from '../../../src/segmentation/nucleus/index.js';
import { gaussianBlur } from '../../../src/segmentation/filters/index.js';
import { thresholdOtsu } from '../../../src/segmentation/threshold/index.js';
import { fillHoles, largestComponent } from '../../../src/segmentation/morphology/index.js';
import { convexHull, fillPolygon, perimeter, traceContour } from '../../../src/segmentation/geometry/index.js';
import { createMask } from '../../../src/io/image/rgbImage.js';
import { segmentNucleusWith } from '../../../src/segmentation/nucleus/segmentNucleus.js';
import { syntheticCell } from './syntheticCell.js';

const iou = (a: Uint8Array, b: Uint8Array): number => {
  let i = 0, u = 0;
  for (let k = 0; k < a.length; k++) {
    if (a[k] && b[k]) i++;
    if (a[k] || b[k]) u++;
  }
  return u ? i / u : 1;
};
const solid = (w: number, h: number, rgb: readonly number[]): RgbImage =>
  createRgbImage(w, h, Uint8Array.from({ length: w * h * 3 }, (_, i) => rgb[i % 3]!));

describe('segmentNucleus', () => {
  it('finds the nucleus of a synthetic cell', () => {
    const { image, truth } = syntheticCell();
    const seg = segmentNucleus(image);
    expect(seg.status).toBe('ok');
    expect(iou(seg.nucleus.data, truth)).toBeGreaterThan(0.9);
    const m = seg.measurements;
    expect(m.area).toBe(seg.nucleus.data.reduce((a, b) => a + b, 0));
    expect(m.areaConvex).toBeGreaterThanOrEqual(m.area);
    expect(m.perimeterConvex).toBeLessThanOrEqual(m.perimeter);
    expect(seg.threshold).toBe(m.threshold);
    expect(seg.contour.length).toBeGreaterThan(20);
    // hull ⊇ nucleus, roc = hull − nucleus
    for (let i = 0; i < truth.length; i++) {
      if (seg.nucleus.data[i]) expect(seg.hull.data[i]).toBe(1);
      expect(seg.roc.data[i]).toBe(seg.hull.data[i]! & (1 - seg.nucleus.data[i]!));
    }
  });

  it('equals the composition of the public building blocks (the fused pipeline changes nothing)', () => {
    const { image } = syntheticCell({ notch: 8, lobe: 6, size: 100 });
    const seg = segmentNucleus(image);
    const balanced = colorBalance(image);
    expect(Array.from(seg.balanced.data)).toEqual(Array.from(balanced.data));
    const blurred = gaussianBlur(nucleusMap(balanced));
    const t = thresholdOtsu(blurred.data);
    expect(seg.threshold).toBe(t);
    const [h, w] = blurred.shape as [number, number];
    const fg = createMask(w, h, Uint8Array.from(blurred.data, (v) => (v > t ? 1 : 0)));
    const nucleus = fillHoles(largestComponent(fg));
    expect(Array.from(seg.nucleus.data)).toEqual(Array.from(nucleus.data));
    const contour = traceContour(nucleus);
    expect(seg.contour).toEqual(contour);
    expect(seg.measurements.perimeter).toBe(perimeter(contour));
    const hull = fillPolygon(convexHull(contour), w, h);
    for (let i = 0; i < hull.data.length; i++) hull.data[i] = hull.data[i]! | nucleus.data[i]!;
    expect(Array.from(seg.hull.data)).toEqual(Array.from(hull.data));
  });

  it('a notched nucleus gets a non-empty ROC inside the notch', () => {
    const seg = segmentNucleus(syntheticCell({ notch: 10 }).image);
    expect(seg.status).toBe('ok');
    const rocArea = seg.roc.data.reduce((a, b) => a + b, 0);
    expect(rocArea).toBeGreaterThan(30);
    expect(seg.measurements.areaConvex - seg.measurements.area).toBe(rocArea);
  });

  it('a nucleus with holes: filled as fillHoles(largestComponent) does; without holes the same path is skipped', () => {
    for (const holeRadius of [0, 3, 6]) {
      const { image } = syntheticCell({ size: 100, radius: 25, noise: 0 });
      // paint the background colour into a disk at the centre of the nucleus
      const bg = [image.data[0]!, image.data[1]!, image.data[2]!];
      for (let y = 0; y < 100; y++) {
        for (let x = 0; x < 100; x++) {
          if ((x - 50) ** 2 + (y - 50) ** 2 > holeRadius * holeRadius || holeRadius === 0) continue;
          for (let c = 0; c < 3; c++) image.data[3 * (y * 100 + x) + c] = bg[c]!;
        }
      }
      const seg = segmentNucleus(image);
      expect(seg.status).toBe('ok');
      const blurred = gaussianBlur(nucleusMap(colorBalance(image)));
      const fg = createMask(100, 100, Uint8Array.from(blurred.data, (v) => (v > seg.threshold ? 1 : 0)));
      const component = largestComponent(fg);
      const nucleus = fillHoles(component);
      const holes = nucleus.data.reduce((a, b) => a + b, 0) - component.data.reduce((a, b) => a + b, 0);
      if (holeRadius >= 6) expect(holes).toBeGreaterThan(0); // the filling is exercised
      if (holeRadius === 0) expect(holes).toBe(0);
      expect(Array.from(seg.nucleus.data)).toEqual(Array.from(nucleus.data));
      expect(seg.measurements.area).toBe(nucleus.data.reduce((a, b) => a + b, 0));
      expect(seg.contour).toEqual(traceContour(nucleus));
    }
  });

  it("componentPolicy: 'largest' keeps one lobe, 'dropSmall' keeps both", () => {
    const { image } = syntheticCell({ size: 120, radius: 18, lobe: 12 });
    const largest = segmentNucleus(image);
    const both = segmentNucleus(image, { componentPolicy: 'dropSmall' });
    expect(both.measurements.area).toBeGreaterThan(largest.measurements.area + 300);
    // the contour (and perimeter) stay those of the largest component
    expect(both.measurements.perimeter).toBe(largest.measurements.perimeter);
    const tiny = segmentNucleus(image, { componentPolicy: 'dropSmall', dropSmallFraction: 0.9 });
    expect(tiny.measurements.area).toBe(largest.measurements.area);
    // the areas are the masks' pixel counts, the ROC is hull − nucleus, with either policy
    const count = (d: Uint8Array): number => d.reduce((a, b) => a + b, 0);
    for (const seg of [largest, both, tiny]) {
      expect(seg.measurements.area).toBe(count(seg.nucleus.data));
      expect(seg.measurements.areaConvex).toBe(count(seg.hull.data));
      const rocWant = seg.hull.data.map((v, i) => v & (seg.nucleus.data[i]! ^ 1));
      expect(Array.from(seg.roc.data)).toEqual(Array.from(rocWant));
      expect(seg.nucleus.data.every((v, i) => v <= seg.hull.data[i]!)).toBe(true);
    }
  });

  it.each([
    ['blank white', solid(32, 32, [255, 255, 255]), 'no-nucleus'],
    ['all black', solid(32, 32, [0, 0, 0]), 'no-nucleus'],
    ['grey', solid(7, 5, [128, 128, 128]), 'no-nucleus'],
    ['one white pixel', solid(1, 1, [255, 255, 255]), 'no-nucleus'],
    ['single purple colour', solid(16, 8, [118, 62, 158]), 'no-nucleus'],
    ['one purple pixel', solid(1, 1, [118, 62, 158]), 'no-nucleus'],
  ])('%s image: status %s, empty masks, no NaN', (_name, image, status) => {
    const seg = segmentNucleus(image);
    expect(seg.status).toBe(status);
    expect(seg.nucleus.data.every((v) => v === 0)).toBe(true);
    expect(seg.hull.data.every((v) => v === 0)).toBe(true);
    expect(seg.roc.data.every((v) => v === 0)).toBe(true);
    expect(Object.values(seg.measurements).every(Number.isFinite)).toBe(true);
    expect(seg.measurements.area).toBe(0);
    expect(seg.contour).toEqual([]);
  });

  it('one-row and one-column images with contrast do not throw', () => {
    const row = createRgbImage(5, 1, Uint8Array.from([232, 202, 212, 118, 62, 158, 118, 62, 158, 232, 202, 212, 232, 202, 212]));
    const seg = segmentNucleus(row);
    expect(['ok', 'no-nucleus']).toContain(seg.status);
    expect(Object.values(seg.measurements).every(Number.isFinite)).toBe(true);
    const col = ndarray(row.data, [5, 1, 3]);
    expect(() => segmentNucleus(col)).not.toThrow();
  });

  it('a nucleus touching the image border is segmented (border pixels count)', () => {
    const { image, truth } = syntheticCell({ size: 80, radius: 14, cx: 4 });
    const seg = segmentNucleus(image);
    expect(seg.status).toBe('ok');
    expect(seg.nucleus.get(40, 0)).toBe(1);
    expect(iou(seg.nucleus.data, truth)).toBeGreaterThan(0.85);
  });

  it('reads strided (non-contiguous) images the same as contiguous ones', () => {
    const { image } = syntheticCell();
    const [h, w] = image.shape as [number, number, number];
    // the same pixels stored column-major, viewed as [H, W, 3]
    const cm = new Uint8Array(h * w * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) cm[(x * h + y) * 3 + c] = image.get(y, x, c);
    const view = ndarray(cm, [h, w, 3], [3, 3 * h, 1]);
    expect(segmentNucleus(view).measurements).toEqual(segmentNucleus(image).measurements);
  });

  it('rejects bad inputs and options, naming the function', () => {
    const { image } = syntheticCell({ size: 16, radius: 4 });
    expect(() => segmentNucleus(ndarray(new Uint8Array(16), [4, 4]) as unknown as RgbImage)).toThrow(/segmentNucleus/);
    expect(() => segmentNucleus(image, { componentPolicy: 'all' as 'largest' })).toThrow(/segmentNucleus: .*componentPolicy/);
    expect(() => segmentNucleus(image, { dropSmallFraction: 2 })).toThrow(/segmentNucleus: .*dropSmallFraction/);
    expect(() => segmentNucleus(image, { blurSize: 4 })).toThrow(/segmentNucleus: .*blurSize/);
    expect(() => segmentNucleus(image, { blurSize: 4 })).toThrow('segmentNucleus: options.blurSize must be an odd integer ≥ 1, got 4');
    expect(() => segmentNucleus(image, { dropSmallFraction: 2 })).toThrow(ArgumentError);
  });

  it('balanced is computed on first read, kept, and is the balance of the image as it was segmented', () => {
    const { image } = syntheticCell({ notch: 8 });
    const want = Array.from(colorBalance(image).data);
    const seg = segmentNucleus(image);
    image.data.fill(0); // the caller reuses its buffer: the segmentation kept its own copy
    const first = seg.balanced;
    expect(Array.from(first.data)).toEqual(want);
    expect(first.shape).toEqual([...image.shape]);
    expect(seg.balanced).toBe(first);
    expect(Object.keys(seg)).toContain('balanced');
    expect(Array.from({ ...seg }.balanced.data)).toEqual(want); // spreads and JSON see the values too
  });

  it('balanced can be replaced', () => {
    const { image } = syntheticCell({ size: 32, radius: 8 });
    const seg = segmentNucleus(image);
    const other = createRgbImage(32, 32);
    seg.balanced = other;
    expect(seg.balanced).toBe(other);
  });

  it('segmentNucleusWith without the pixel copy: same segmentation, balanced read from the caller\'s pixels', () => {
    const { image } = syntheticCell({ notch: 8 });
    for (const policy of ['largest', 'dropSmall'] as const) {
      const copied = segmentNucleus(image, { componentPolicy: policy });
      const shared = segmentNucleusWith(image, { componentPolicy: policy }, false);
      expect(shared.status).toBe('ok');
      for (const key of ['nucleus', 'hull', 'roc', 'nucleusMap'] as const) {
        expect(Array.from(shared[key].data), key).toEqual(Array.from(copied[key].data));
      }
      expect(shared.measurements).toEqual(copied.measurements);
      expect(shared.contour).toEqual(copied.contour);
      expect(shared.hullPolygon).toEqual(copied.hullPolygon);
      expect(Array.from(shared.balanced.data)).toEqual(Array.from(copied.balanced.data));
    }
    // not copied: a later change of the image shows through a balanced read afterwards
    const copy = createRgbImage(image.shape[1]!, image.shape[0]!, new Uint8Array(image.data));
    const shared = segmentNucleusWith(copy, {}, false);
    copy.data.fill(0);
    expect(shared.balanced.data.every((v) => v === 0)).toBe(true);
  });
});
