import fc from 'fast-check';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { DEFAULT_OVERLAY_STYLES, drawOverlay } from '../../src/report/drawOverlay.js';
import { createMask, createRgbImage } from '../../src/io/image/rgbImage.js';
import type { Mask, RgbImage } from '../../src/io/image/rgbImage.js';

const px = (img: RgbImage, x: number, y: number): number[] => [img.get(y, x, 0), img.get(y, x, 1), img.get(y, x, 2)];

function gray(w: number, h: number, v: number): RgbImage {
  return createRgbImage(w, h, new Uint8Array(w * h * 3).fill(v));
}

/** A filled square [x0, x1) x [y0, y1) in a w x h mask. */
function square(w: number, h: number, x0: number, y0: number, x1: number, y1: number): Mask {
  const m = createMask(w, h);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m.set(y, x, 1);
  return m;
}

describe('drawOverlay', () => {
  it('returns an identical new image when there are no masks, leaving the input untouched', () => {
    const img = createRgbImage(2, 2, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
    const out = drawOverlay(img, {});
    expect(out).not.toBe(img);
    expect(out.data).not.toBe(img.data);
    expect([...out.data]).toEqual([...img.data]);
  });

  it('tints inside the mask with round((1 − α)·pixel + α·color) and leaves the outside alone', () => {
    const img = gray(5, 5, 100);
    const nucleus = square(5, 5, 1, 1, 4, 4);
    const out = drawOverlay(img, { nucleus }, { nucleus: { color: [200, 0, 50], fillAlpha: 0.25, outline: false } });
    expect(px(out, 2, 2)).toEqual([125, 75, 88]); // 0.75·100 + 0.25·(200, 0, 50) = (125, 75, 87.5 → 88)
    expect(px(out, 1, 1)).toEqual([125, 75, 88]);
    expect(px(out, 0, 0)).toEqual([100, 100, 100]);
    expect(px(out, 4, 2)).toEqual([100, 100, 100]);
    expect(img.data.every((v) => v === 100)).toBe(true);
  });

  it('outlines exactly the inner 4-connected boundary of the mask', () => {
    const out = drawOverlay(gray(5, 5, 0), { hull: square(5, 5, 1, 1, 4, 4) }, { hull: { color: [255, 255, 255] } });
    const lit: string[] = [];
    for (let y = 0; y < 5; y++) for (let x = 0; x < 5; x++) if (out.get(y, x, 0) === 255) lit.push(`${x},${y}`);
    // The 3x3 square's ring: all but its centre (2, 2).
    expect(lit).toEqual(['1,1', '2,1', '3,1', '1,2', '3,2', '1,3', '2,3', '3,3']);
  });

  it('outlines mask pixels on the image border', () => {
    const out = drawOverlay(gray(3, 3, 0), { hull: square(3, 3, 0, 0, 3, 3) }, { hull: { color: [9, 9, 9] } });
    expect(px(out, 1, 1)).toEqual([0, 0, 0]);
    expect(px(out, 0, 1)).toEqual([9, 9, 9]);
    expect(px(out, 2, 2)).toEqual([9, 9, 9]);
  });

  it('uses the documented defaults: nucleus tint + outline, hull outline only, ROC tint only', () => {
    expect(DEFAULT_OVERLAY_STYLES.hull.fillAlpha).toBe(0);
    expect(DEFAULT_OVERLAY_STYLES.roc.outline).toBe(false);
    const img = gray(7, 7, 128);
    const nucleus = square(7, 7, 2, 2, 5, 5);
    const out = drawOverlay(img, { nucleus });
    expect(px(out, 2, 2)).toEqual([...DEFAULT_OVERLAY_STYLES.nucleus.color]); // boundary: opaque outline
    const a = DEFAULT_OVERLAY_STYLES.nucleus.fillAlpha;
    expect(px(out, 3, 3)).toEqual(DEFAULT_OVERLAY_STYLES.nucleus.color.map((c) => Math.round((1 - a) * 128 + a * c)));
    const hullOnly = drawOverlay(img, { hull: nucleus });
    expect(px(hullOnly, 3, 3)).toEqual([128, 128, 128]);
    const rocOnly = drawOverlay(img, { roc: nucleus });
    const r = DEFAULT_OVERLAY_STYLES.roc.fillAlpha;
    expect(px(rocOnly, 2, 2)).toEqual(DEFAULT_OVERLAY_STYLES.roc.color.map((c) => Math.round((1 - r) * 128 + r * c)));
  });

  it('draws the hull outline on top of the nucleus and ROC tints', () => {
    const m = square(4, 4, 0, 0, 4, 4);
    const out = drawOverlay(gray(4, 4, 50), { nucleus: m, roc: m, hull: m }, { hull: { color: [1, 2, 3] } });
    expect(px(out, 0, 0)).toEqual([1, 2, 3]);
  });

  it('is the identity on the image for empty masks (degenerate input)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 255 }), (w, h, v) => {
        const img = gray(w, h, v);
        const empty = createMask(w, h);
        const out = drawOverlay(img, { nucleus: empty, hull: empty, roc: empty });
        expect([...out.data]).toEqual([...img.data]);
      }),
    );
  });

  it('accepts strided images and masks', () => {
    const base = createRgbImage(2, 1, new Uint8Array([10, 10, 10, 20, 20, 20]));
    const t = base.transpose(1, 0, 2) as RgbImage; // 1 wide, 2 high
    const mask = createMask(1, 2, new Uint8Array([0, 1]));
    const out = drawOverlay(t, { hull: mask }, { hull: { color: [7, 7, 7] } });
    expect(out.shape).toEqual([2, 1, 3]);
    expect([...out.data]).toEqual([10, 10, 10, 7, 7, 7]);
  });

  it('rejects a mask of another size, bad styles and bad images, naming drawOverlay', () => {
    const img = gray(4, 4, 0);
    expect(() => drawOverlay(img, { roc: createMask(3, 4) })).toThrow('drawOverlay: roc mask is 3x4 but the image is 4x4');
    expect(() => drawOverlay(img, { nucleus: createMask(4, 4) }, { nucleus: { fillAlpha: 2 } })).toThrow(
      'drawOverlay: expected nucleus.fillAlpha in [0, 1], got 2',
    );
    expect(() => drawOverlay(img, { hull: createMask(4, 4) }, { hull: { color: [0, 256, 0] } })).toThrow(
      'drawOverlay: expected hull.color to be 3 integers in [0, 255], got [0,256,0]',
    );
    expect(() => drawOverlay(img, {}, { roc: { fillAlpha: -0.1 } })).toThrow('drawOverlay: expected roc.fillAlpha in [0, 1], got -0.1');
    expect(() => drawOverlay(ndarray(new Uint8Array(4), [2, 2]) as RgbImage, {})).toThrow('drawOverlay: image must be an ndarray of shape [H, W, 3] (3 dimensions)');
    expect(() => drawOverlay(img, null as unknown as object)).toThrow('drawOverlay: expected masks');
  });
});
