import { describe, expect, it } from 'vitest';
import { borderReflect101 } from '../../../src/segmentation/filters/index.js';

describe('borderReflect101', () => {
  it('maps out-of-range indices like OpenCV (gfedcb|abcdefgh|gfedcba)', () => {
    expect([-2, -1, 0, 4, 5, 6].map((p) => borderReflect101(p, 5))).toEqual([2, 1, 0, 4, 3, 2]);
    expect(borderReflect101(-3, 1)).toBe(0);
    expect([-2, -1, 2, 3].map((p) => borderReflect101(p, 2))).toEqual([0, 1, 0, 1]);
  });
});
