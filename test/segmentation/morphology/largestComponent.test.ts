import { describe, expect, it } from 'vitest';
import { createMask } from '../../../src/io/image/rgbImage.js';
import { largestComponent } from '../../../src/segmentation/morphology/index.js';
import { drawMask as draw, maskRows as rowsOf } from './drawMask.js';

describe('largestComponent', () => {
  const m = draw('##...#', '##....', '......', '...###');
  it('keeps the largest component', () => {
    expect(rowsOf(largestComponent(m))).toEqual(['##....', '##....', '......', '......']);
  });
  it('ties go to the component met first in raster order', () => {
    expect(rowsOf(largestComponent(draw('#.#')))).toEqual(['#..']);
  });
  it('empty input gives an empty mask', () => {
    expect(Array.from(largestComponent(createMask(2, 2)).data)).toEqual([0, 0, 0, 0]);
  });
});
