import { describe, expect, it } from 'vitest';
import { createMask } from '../../../src/io/image/rgbImage.js';
import { perimeter, traceContour } from '../../../src/segmentation/geometry/index.js';
import type { Point } from '../../../src/segmentation/geometry/index.js';
import { drawMask as draw } from '../morphology/drawMask.js';

const key = (p: Point): string => `${p.x},${p.y}`;

describe('traceContour', () => {
  it('empty mask: no points; single pixel: one point, perimeter 0', () => {
    expect(traceContour(createMask(3, 3))).toEqual([]);
    const one = traceContour(draw('...', '.#.', '...'));
    expect(one).toEqual([{ x: 1, y: 1 }]);
    expect(perimeter(one)).toBe(0);
  });
  it('2x2 square: its four pixels once each, perimeter 4', () => {
    const c = traceContour(draw('....', '.##.', '.##.', '....'));
    expect(c).toHaveLength(4);
    expect(new Set(c.map(key))).toEqual(new Set(['1,1', '2,1', '1,2', '2,2']));
    expect(c[0]).toEqual({ x: 1, y: 1 });
    expect(perimeter(c)).toBe(4);
  });
  it('a one-pixel-wide line is walked out and back (as OpenCV reports it)', () => {
    const c = traceContour(draw('###'));
    expect(c.map(key)).toEqual(['0,0', '1,0', '2,0', '1,0']);
    expect(perimeter(c)).toBe(4);
  });
  it('pixels on the image border are traced (virtual zero padding)', () => {
    const c = traceContour(draw('##', '##'));
    expect(new Set(c.map(key))).toEqual(new Set(['0,0', '1,0', '0,1', '1,1']));
  });
  it('diagonal steps: a 3x3 diamond has perimeter 4·√2', () => {
    const c = traceContour(draw('.#.', '###', '.#.'));
    expect(c).toHaveLength(4);
    expect(perimeter(c)).toBeCloseTo(4 * Math.SQRT2, 5);
  });
  it('holes do not contribute (outer contour only)', () => {
    const c = traceContour(draw('###', '#.#', '###'));
    expect(c).toHaveLength(8);
    expect(perimeter(c)).toBe(8);
  });
});
