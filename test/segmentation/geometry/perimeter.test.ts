import { describe, expect, it } from 'vitest';
import { perimeter } from '../../../src/segmentation/geometry/index.js';

describe('perimeter', () => {
  it('closed 3-4-5 triangle: 12; open: 7', () => {
    const tri = [{ x: 0, y: 0 }, { x: 3, y: 0 }, { x: 3, y: 4 }];
    expect(perimeter(tri)).toBe(12);
    expect(perimeter(tri, { closed: false })).toBe(7);
    expect(perimeter([])).toBe(0);
  });
});
