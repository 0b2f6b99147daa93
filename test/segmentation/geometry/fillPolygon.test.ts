import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createMask } from '../../../src/io/image/rgbImage.js';
import { convexHull, fillPolygon, maskArea, polygonArea } from '../../../src/segmentation/geometry/index.js';
import type { Point } from '../../../src/segmentation/geometry/index.js';

describe('fillPolygon / areas', () => {
  it('axis-aligned rectangle through pixel centres fills its pixels exactly', () => {
    const m = fillPolygon([{ x: 1, y: 1 }, { x: 4, y: 1 }, { x: 4, y: 3 }, { x: 1, y: 3 }], 6, 5);
    expect(maskArea(m)).toBe(4 * 3);
    expect(m.get(1, 1)).toBe(1);
    expect(m.get(3, 4)).toBe(1);
    expect(m.get(0, 0)).toBe(0);
    expect(polygonArea([{ x: 1, y: 1 }, { x: 4, y: 1 }, { x: 4, y: 3 }, { x: 1, y: 3 }])).toBe(6);
  });
  it('right triangle: pixels on or inside the hypotenuse, edges drawn', () => {
    const m = fillPolygon([{ x: 0, y: 0 }, { x: 4, y: 0 }, { x: 0, y: 4 }], 5, 5);
    for (let y = 0; y < 5; y++) for (let x = 0; x < 5; x++) expect(m.get(y, x)).toBe(x + y <= 4 ? 1 : 0);
  });
  it('clips to the image and ignores empty polygons', () => {
    const m = fillPolygon([{ x: -5, y: -5 }, { x: 10, y: -5 }, { x: 10, y: 10 }, { x: -5, y: 10 }], 3, 3);
    expect(maskArea(m)).toBe(9);
    expect(maskArea(fillPolygon([], 3, 3))).toBe(0);
    expect(() => fillPolygon([{ x: 0.5, y: 0 }], 3, 3)).toThrow(/fillPolygon/);
  });
  it('property: the filled hull of a mask contains the mask', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 100, maxLength: 100, max: 1 }), (d) => {
        const mask = createMask(10, 10, d);
        const pts: Point[] = [];
        for (let y = 0; y < 10; y++) for (let x = 0; x < 10; x++) if (d[y * 10 + x]) pts.push({ x, y });
        const hull = fillPolygon(convexHull(pts), 10, 10);
        return mask.data.every((v, i) => v === 0 || hull.data[i] === 1);
      }),
    );
  });
});
