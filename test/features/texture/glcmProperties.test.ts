import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../../src/core/index.js';
import { glcm, GLCM_PROPERTY_NAMES, glcmProperties } from '../../../src/features/texture/index.js';
import { FIXTURES, TOLERANCE, worstDifference } from './textureFixtures.js';

describe('glcmProperties (scikit-image graycoprops)', () => {
  for (const f of FIXTURES.glcm) {
    it(`matches graycoprops on '${f.name}' within ${TOLERANCE}`, () => {
      const p = glcm(ndarray(Uint8Array.from(f.image), [f.height, f.width]), {
        levels: f.levels,
        distances: f.distances,
        angles: f.angles,
        symmetric: f.symmetric,
        normed: f.normed,
      });
      const props = glcmProperties(p);
      for (const name of GLCM_PROPERTY_NAMES) {
        expect(worstDifference(props[name], f.properties[name]), name).toBeLessThanOrEqual(TOLERANCE);
      }
    });
  }

  it('gives the docstring example contrast', () => {
    const image = ndarray(new Uint8Array([0, 0, 1, 1, 0, 0, 1, 1, 0, 2, 2, 2, 2, 2, 3, 3]), [4, 4]);
    const props = glcmProperties(glcm(image, { levels: 4, distances: [1, 2], angles: [0, Math.PI / 2], symmetric: true }));
    expect(worstDifference(props.contrast, [7 / 12, 1, 1.25, 2.75])).toBeLessThan(1e-15);
  });

  it('an all-zero matrix (no pixel pair) gives 0 for every property but correlation, which is 1 (as skimage)', () => {
    const props = glcmProperties(glcm(ndarray(new Uint8Array([2]), [1, 1]), { levels: 3 }));
    for (const name of GLCM_PROPERTY_NAMES) {
      expect(Array.from(props[name]), name).toEqual(new Array(4).fill(name === 'correlation' ? 1 : 0));
    }
  });

  it('a constant image has contrast 0, homogeneity, ASM, energy and correlation 1', () => {
    const props = glcmProperties(glcm(ndarray(new Uint8Array(25).fill(3), [5, 5]), { levels: 4 }));
    expect(Array.from(props.contrast)).toEqual([0, 0, 0, 0]);
    for (const name of ['homogeneity', 'ASM', 'energy', 'correlation'] as const) expect(Array.from(props[name]), name).toEqual([1, 1, 1, 1]);
  });

  it('rejects what is not a Glcm', () => {
    expect(() => glcmProperties({} as never)).toThrow(ArgumentError);
    expect(() => glcmProperties({ levels: 2, distances: [1], angles: [0], data: new Float64Array(3) })).toThrow(
      /^glcmProperties: matrices must be a Glcm/,
    );
  });
});
