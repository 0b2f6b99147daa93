import { describe, expect, it } from 'vitest';
import { createMask } from '../../../src/io/image/rgbImage.js';
import type { Mask } from '../../../src/io/image/rgbImage.js';
import { connectedComponents } from '../../../src/segmentation/morphology/index.js';
import { drawMask as draw } from './drawMask.js';

describe('connectedComponents', () => {
  const diag = draw('#...', '.#..', '....', '..##');
  it('8-connectivity joins diagonal pixels, 4-connectivity does not', () => {
    expect(connectedComponents(diag).count).toBe(2);
    expect(connectedComponents(diag, { connectivity: 4 }).count).toBe(3);
  });
  it('labels in raster order with areas (index 0 = background)', () => {
    const { labels, areas } = connectedComponents(diag);
    expect(labels.get(0, 0)).toBe(1);
    expect(labels.get(1, 1)).toBe(1);
    expect(labels.get(3, 3)).toBe(2);
    expect(Array.from(areas)).toEqual([12, 2, 2]);
  });
  it('empty mask: no components', () => {
    const r = connectedComponents(createMask(3, 2));
    expect(r.count).toBe(0);
    expect(Array.from(r.areas)).toEqual([6]);
  });
  it('rejects a bad connectivity and a non-mask, naming the function', () => {
    expect(() => connectedComponents(diag, { connectivity: 6 as 4 })).toThrow(/connectedComponents: .*6/);
    expect(() => connectedComponents(null as unknown as Mask)).toThrow(/connectedComponents/);
  });
});
