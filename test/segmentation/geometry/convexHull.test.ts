import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { convexHull } from '../../../src/segmentation/geometry/index.js';
import type { Point } from '../../../src/segmentation/geometry/index.js';

const key = (p: Point): string => `${p.x},${p.y}`;

describe('convexHull', () => {
  it('square with interior and collinear points: only the corners', () => {
    const pts = [];
    for (let x = 0; x <= 3; x++) for (let y = 0; y <= 3; y++) pts.push({ x, y });
    const h = convexHull(pts);
    expect(new Set(h.map(key))).toEqual(new Set(['0,0', '3,0', '3,3', '0,3']));
  });
  it('degenerate sets: none, one, duplicates, collinear', () => {
    expect(convexHull([])).toEqual([]);
    expect(convexHull([{ x: 1, y: 1 }, { x: 1, y: 1 }])).toEqual([{ x: 1, y: 1 }]);
    expect(convexHull([{ x: 0, y: 0 }, { x: 1, y: 1 }, { x: 2, y: 2 }])).toEqual([{ x: 0, y: 0 }, { x: 2, y: 2 }]);
  });
  it('property: the hull contains every input point and is convex', () => {
    const ptArb = fc.record({ x: fc.integer({ min: -50, max: 50 }), y: fc.integer({ min: -50, max: 50 }) });
    fc.assert(
      fc.property(fc.array(ptArb, { minLength: 3, maxLength: 60 }), (pts) => {
        const h = convexHull(pts);
        if (h.length < 3) return true; // collinear input
        const n = h.length;
        for (let i = 0; i < n; i++) {
          const a = h[i]!, b = h[(i + 1) % n]!;
          for (const p of pts) {
            // all points on the same side (or on) every edge: cross ≥ 0 for this orientation
            if ((b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x) < 0) return false;
          }
        }
        return true;
      }),
    );
  });
});
