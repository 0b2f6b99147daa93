import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { ArgumentError, seededRandom } from '../../../src/core/index.js';
import { createRgbImage } from '../../../src/io/image/rgbImage.js';
import type { RgbImage } from '../../../src/io/image/rgbImage.js';
import { extractTextureFeatures, TEXTURE_FEATURE_NAMES } from '../../../src/features/texture/index.js';
import type { TextureFeatureName, TextureFeatures } from '../../../src/features/texture/index.js';
import { bytes, FIXTURES, TOLERANCE } from './textureFixtures.js';

const worst = (got: TextureFeatures, expected: Record<string, number>): { name: string; diff: number } => {
  let out = { name: '', diff: 0 };
  for (const name of TEXTURE_FEATURE_NAMES) {
    const diff = Math.abs(got[name] - expected[name]!) / Math.max(1, Math.abs(expected[name]!));
    if (!(diff <= out.diff)) out = { name, diff };
  }
  return out;
};

const cell = (name: string): { image: RgbImage; masks: Map<string, { mask: Uint8Array; features: Record<string, number> }> } => {
  const f = FIXTURES.cells.find((c) => c.name === name)!;
  return {
    image: createRgbImage(f.width, f.height, bytes(f.rgb)),
    masks: new Map(f.variants.map((v) => [v.name, { mask: bytes(v.mask), features: v.features }])),
  };
};

describe('extractTextureFeatures (scikit-image reference)', () => {
  for (const f of FIXTURES.cells) {
    for (const v of f.variants) {
      it(`matches '${f.name}' / '${v.name}' (L=${v.glcmLevels}, d=${v.glcmDistances.join(',')}) within ${TOLERANCE}`, () => {
        const image = createRgbImage(f.width, f.height, bytes(f.rgb));
        const got = extractTextureFeatures(image, bytes(v.mask), { glcmLevels: v.glcmLevels, glcmDistances: v.glcmDistances });
        expect(Object.keys(got)).toEqual([...TEXTURE_FEATURE_NAMES]);
        expect(Object.keys(v.features).sort()).toEqual([...TEXTURE_FEATURE_NAMES].sort());
        expect(worst(got, v.features).diff).toBeLessThanOrEqual(TOLERANCE);
      });
    }
  }
});

describe('extractTextureFeatures: degenerate masks', () => {
  const noise = cell('noise');

  it('empty mask: area 0, GLCM contrast/dissimilarity/homogeneity/ASM/energy 0, correlation 1, LBP all 0', () => {
    const got = extractTextureFeatures(noise.image, new Uint8Array(400));
    expect(got['nucleus.areaPixels']).toBe(0);
    expect([got['glcm.contrast'], got['glcm.dissimilarity'], got['glcm.homogeneity'], got['glcm.asm'], got['glcm.energy']]).toEqual([0, 0, 0, 0, 0]);
    expect(got['glcm.correlation']).toBe(1);
    for (let k = 0; k < 10; k++) expect(got[`lbp.u${k}` as TextureFeatureName]).toBe(0);
    expect(worst(got, noise.masks.get('empty-mask')!.features).diff).toBe(0);
  });

  it('one-pixel mask: area 1, GLCM as empty (no pair), one LBP bin at 1', () => {
    const v = noise.masks.get('one-pixel')!;
    const got = extractTextureFeatures(noise.image, v.mask);
    expect(got['nucleus.areaPixels']).toBe(1);
    expect(got['glcm.homogeneity']).toBe(0);
    expect(got['glcm.correlation']).toBe(1);
    const bins = Array.from({ length: 10 }, (_, k) => got[`lbp.u${k}` as TextureFeatureName]);
    expect(bins.filter((b) => b === 1)).toHaveLength(1);
    expect(bins.reduce((a, b) => a + b, 0)).toBe(1);
    expect(worst(got, v.features).diff).toBe(0);
  });

  it('constant gray nucleus: contrast 0, homogeneity/ASM/energy/correlation 1, every interior pixel LBP code 8', () => {
    const c = cell('constant-gray');
    const v = c.masks.get('nucleus')!;
    const got = extractTextureFeatures(c.image, v.mask);
    expect(got['nucleus.areaPixels']).toBe(48);
    expect(got['glcm.contrast']).toBe(0);
    expect([got['glcm.homogeneity'], got['glcm.asm'], got['glcm.energy'], got['glcm.correlation']]).toEqual([1, 1, 1, 1]);
    // the nucleus is darker than its surround: every neighbour is ≥ the centre
    expect(got['lbp.u8']).toBe(1);
    expect(worst(got, v.features).diff).toBeLessThanOrEqual(TOLERANCE);
  });

  it('one-pixel-high line: the angles without pairs count as empty matrices in the mean (as skimage per angle)', () => {
    const v = noise.masks.get('horizontal-line')!;
    const got = extractTextureFeatures(noise.image, v.mask);
    expect(got['nucleus.areaPixels']).toBe(6);
    expect(worst(got, v.features).diff).toBeLessThanOrEqual(TOLERANCE);
  });

  it('is NaN-free on random images and masks, including tiny ones', () => {
    const random = seededRandom(14);
    const rng = (): number => random.next();
    for (let t = 0; t < 200; t++) {
      const h = 1 + Math.floor(rng() * 9);
      const w = 1 + Math.floor(rng() * 9);
      const rgb = Uint8Array.from({ length: h * w * 3 }, () => (t % 4 === 0 ? 77 : Math.floor(rng() * 256)));
      const mask = Uint8Array.from({ length: h * w }, () => (rng() < 0.4 ? 1 : 0));
      const got = extractTextureFeatures(createRgbImage(w, h, rgb), mask);
      for (const name of TEXTURE_FEATURE_NAMES) expect(Number.isFinite(got[name]), `${name} (${h}x${w}, trial ${t})`).toBe(true);
    }
  });
});

describe('extractTextureFeatures: inputs and options', () => {
  const c = cell('synthetic-cell-2');
  const v = c.masks.get('nucleus')!;

  it('reads a strided image like its contiguous copy', () => {
    const [h, w] = c.image.shape as [number, number, number];
    const big = ndarray(new Uint8Array((h + 4) * (w + 2) * 3), [h + 4, w + 2, 3]);
    const view = big.lo(2, 1, 0).hi(h, w, 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < 3; k++) view.set(y, x, k, c.image.get(y, x, k));
    expect(extractTextureFeatures(view, v.mask)).toEqual(extractTextureFeatures(c.image, v.mask));
  });

  it('defaults to 32 levels and distance 1', () => {
    expect(extractTextureFeatures(c.image, v.mask)).toEqual(extractTextureFeatures(c.image, v.mask, { glcmLevels: 32, glcmDistances: [1] }));
  });

  it('rejects bad images, masks and options with errors that name the function and argument', () => {
    expect(() => extractTextureFeatures(ndarray(new Uint8Array(8), [2, 4]) as never, new Uint8Array(2))).toThrow(ArgumentError);
    expect(() => extractTextureFeatures(ndarray(new Float32Array(12), [2, 2, 3]) as never, new Uint8Array(4))).toThrow(
      /^extractTextureFeatures: image must be an RGB image/,
    );
    expect(() => extractTextureFeatures(c.image, new Uint8Array(5))).toThrow(/^extractTextureFeatures: nucleusMask must be a Uint8Array of length H·W = 30·30/);
    expect(() => extractTextureFeatures(c.image, v.mask, { glcmLevels: 256 })).toThrow(/^extractTextureFeatures: options.glcmLevels must be an integer ≥ 2 and ≤ 255/);
    expect(() => extractTextureFeatures(c.image, v.mask, { glcmDistances: [0] })).toThrow(/^extractTextureFeatures: options.glcmDistances\[0\]/);
    expect(() => extractTextureFeatures(c.image, v.mask, 3 as never)).toThrow(/^extractTextureFeatures: options must be an options object/);
  });
});

describe('extractTextureFeatures: speed (printed, not asserted)', () => {
  it('measures ms per cell on 224x224 synthetic images with ~1,500-pixel nuclei', () => {
    const random = seededRandom(7);
    const rng = (): number => random.next();
    const size = 224;
    const images: { image: RgbImage; mask: Uint8Array }[] = [];
    for (let n = 0; n < 8; n++) {
      const rgb = Uint8Array.from({ length: size * size * 3 }, () => 100 + Math.floor(rng() * 100));
      const mask = new Uint8Array(size * size);
      const cy = 100 + rng() * 24;
      const cx = 100 + rng() * 24;
      const ry = 18 + rng() * 8;
      const rx = 18 + rng() * 8;
      for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) mask[y * size + x] = ((y - cy) / ry) ** 2 + ((x - cx) / rx) ** 2 <= 1 ? 1 : 0;
      images.push({ image: createRgbImage(size, size, rgb), mask });
    }
    for (const { image, mask } of images) extractTextureFeatures(image, mask); // warm-up
    const rounds = 10;
    const t0 = performance.now();
    for (let k = 0; k < rounds; k++) for (const { image, mask } of images) extractTextureFeatures(image, mask);
    const ms = (performance.now() - t0) / (rounds * images.length);
    const area = images.reduce((a, { mask }) => a + mask.reduce((s, b) => s + b, 0), 0) / images.length;
    console.log(`extractTextureFeatures: ${ms.toFixed(3)} ms/cell (224x224, mean nucleus ${area.toFixed(0)} px, ${rounds * images.length} cells)`);
    expect(ms).toBeGreaterThan(0);
  });
});
