import { describe, expect, it } from 'vitest';
import { removeSmallObjects } from '../../../src/segmentation/morphology/index.js';
import { drawMask as draw, maskRows as rowsOf } from './drawMask.js';

describe('removeSmallObjects', () => {
  const m = draw('##...#', '##....', '......', '...###');
  it('removes components under minSize (area ≥ minSize stays)', () => {
    expect(rowsOf(removeSmallObjects(m, { minSize: 3 }))).toEqual(['##....', '##....', '......', '...###']);
  });
  it('minFractionOfLargest drops specks relative to the largest', () => {
    expect(rowsOf(removeSmallObjects(m, { minSize: 0, minFractionOfLargest: 0.5 }))).toEqual([
      '##....',
      '##....',
      '......',
      '...###',
    ]);
    expect(() => removeSmallObjects(m, { minSize: -1 })).toThrow(/removeSmallObjects/);
  });
});
