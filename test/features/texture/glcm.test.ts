import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../../src/core/index.js';
import { glcm, GLCM_DEFAULT_ANGLES } from '../../../src/features/texture/index.js';
import { FIXTURES, worstDifference } from './textureFixtures.js';

describe('glcm (scikit-image graycomatrix)', () => {
  for (const f of FIXTURES.glcm) {
    it(`matches graycomatrix on '${f.name}'`, () => {
      const p = glcm(ndarray(Uint8Array.from(f.image), [f.height, f.width]), {
        levels: f.levels,
        distances: f.distances,
        angles: f.angles,
        symmetric: f.symmetric,
        normed: f.normed,
      });
      expect(p.levels).toBe(f.levels);
      expect(p.data.length).toBe(f.matrices.length);
      if (f.normed) expect(worstDifference(p.data, f.matrices)).toBeLessThan(1e-15);
      else expect(Array.from(p.data)).toEqual(f.matrices);
    });
  }

  it('reads strided views (a transposed view gives the transposed offsets)', () => {
    const f = FIXTURES.glcm.find((x) => x.name === 'random')!;
    const image = ndarray(Uint8Array.from(f.image), [f.height, f.width]);
    const transposed = image.transpose(1, 0);
    const copy = ndarray(new Uint8Array(f.image.length), [f.width, f.height]);
    for (let r = 0; r < f.width; r++) for (let c = 0; c < f.height; c++) copy.set(r, c, image.get(c, r));
    const opts = { levels: f.levels, distances: [1, 2], angles: GLCM_DEFAULT_ANGLES };
    expect(Array.from(glcm(transposed, opts).data)).toEqual(Array.from(glcm(copy, opts).data));
  });

  it('defaults to distance 1, the four angles, 256 levels, not symmetric, counts', () => {
    const p = glcm(ndarray(new Uint8Array([0, 255]), [1, 2]));
    expect(p.levels).toBe(256);
    expect(p.distances).toEqual([1]);
    expect(p.angles).toEqual([...GLCM_DEFAULT_ANGLES]);
    expect(p.data[255]).toBe(1); // angle 0: (0 → 255)
    expect(p.data.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('rejects values outside [0, levels), non-integers, bad shapes and options with named errors', () => {
    const img = ndarray(new Uint8Array([0, 1, 4]), [1, 3]);
    expect(() => glcm(img, { levels: 4 })).toThrow(ArgumentError);
    expect(() => glcm(img, { levels: 4 })).toThrow(/^glcm: image \(flat index 2\) must be an integer gray level in \[0, 4\)/);
    expect(() => glcm(ndarray(new Float64Array([0.5]), [1, 1]), { levels: 4 })).toThrow(/glcm: image/);
    expect(() => glcm(ndarray(new Uint8Array(3), [3]) as never)).toThrow(/glcm: image must be a \[H, W\] ndarray/);
    expect(() => glcm(img, { levels: 0 })).toThrow(/glcm: options.levels must be an integer ≥ 1/);
    expect(() => glcm(img, { distances: [] })).toThrow(/glcm: options.distances/);
    expect(() => glcm(img, { distances: [-1] })).toThrow(/glcm: options.distances\[0\]/);
    expect(() => glcm(img, { angles: [Number.NaN] })).toThrow(/glcm: options.angles\[0\]/);
    expect(() => glcm(img, { symmetric: 1 as never })).toThrow(/glcm: options.symmetric/);
  });
});
