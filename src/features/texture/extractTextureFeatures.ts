import ndarray from 'ndarray';
import { ArgumentError, checkArray, checkNumber, checkOptions, optionalInteger } from '../../core/index.js';
import type { RgbImage } from '../../io/image/rgbImage.js';
import { rgbPixels } from '../../segmentation/color/colorInput.js';
import { rgbToGray8 } from '../../segmentation/color/rgbToGray8.js';
import { glcm } from './glcm.js';
import type { Glcm } from './glcm.js';
import { glcmProperties } from './glcmProperties.js';
import { uniformLbpHistogram } from './localBinaryPattern.js';
import { GLCM_PROPERTY_NAMES, LBP_HISTOGRAM_BINS } from './textureFeatureNames.js';
import type { TextureFeatures } from './textureFeatureNames.js';

/** Options of {@link extractTextureFeatures}. */
export interface TextureFeatureOptions {
  /**
   * Number L of gray levels the nucleus is quantised to for the GLCM: gray g (0 … 255) becomes level
   * 1 + ⌊g·L/256⌋, an integer in 2 … 255. Defaults to 32.
   */
  glcmLevels?: number;
  /** GLCM pixel-pair distances (≥ 1); the properties are averaged over them and the four angles. Defaults to `[1]`. */
  glcmDistances?: readonly number[];
}

/** The properties of an all-zero GLCM (a mask with no pixel pair), as scikit-image's `graycoprops` gives them. */
const EMPTY_GLCM = { contrast: 0, dissimilarity: 0, homogeneity: 0, ASM: 0, energy: 0, correlation: 1 } as const;

/** The L×L matrices of levels 1 … L of an (L + 1)-level GLCM, i.e. without the pairs that touch level 0. */
function dropLevelZero(p: Glcm): Glcm {
  const big = p.levels;
  const L = big - 1;
  const count = p.distances.length * p.angles.length;
  const data = new Float64Array(count * L * L);
  for (let k = 0; k < count; k++) {
    for (let i = 0; i < L; i++) {
      const src = (k * big + i + 1) * big + 1;
      data.set(p.data.subarray(src, src + L), (k * L + i) * L);
    }
  }
  return { levels: L, distances: p.distances, angles: p.angles, data };
}

/**
 * The texture descriptors of one cell's nucleus (see `docs/texture-features.md`), each equal to a scikit-image
 * computation:
 * - gray = OpenCV's 8-bit gray of the RGB image ({@link rgbToGray8}, `cv2.COLOR_RGB2GRAY`);
 * - `nucleus.areaPixels`: the number of mask pixels;
 * - `glcm.*`: quantise the nucleus gray levels to 1 + ⌊g·L/256⌋ and set the pixels outside the mask to 0;
 *   `graycomatrix(q, distances, [0, π/4, π/2, 3π/4], levels=L + 1, symmetric=True)`; drop row and column 0 (the
 *   pairs that touch the outside); `graycoprops` (which renormalises each matrix) of contrast, dissimilarity,
 *   homogeneity, ASM (`glcm.asm`), energy and correlation, each averaged over distances and angles;
 * - `lbp.u0` … `lbp.u9`: `local_binary_pattern(gray, P=8, R=1, method='uniform')` over the whole image, and the
 *   density histogram of its codes 0 … 9 over the mask pixels.
 *
 * Degenerate masks give finite values on purpose: a matrix with no pair (empty or one-pixel mask, or no pair at one
 * angle) has contrast, dissimilarity, homogeneity, ASM and energy 0 and correlation 1 (scikit-image's values),
 * averaged with the other angles; a constant nucleus has correlation 1 (scikit-image); an empty mask has an all-zero
 * LBP histogram (NumPy would give NaN) and area 0.
 *
 * @param image - the cell image, [H, W, 3] uint8 (any strides)
 * @param nucleusMask - H·W bytes, row-major; a pixel is nucleus when its byte is not 0 (e.g. `segmentNucleus(…).nucleus.data`)
 * @param options - see {@link TextureFeatureOptions}
 * @returns one finite number per {@link TEXTURE_FEATURE_NAMES} entry
 * @throws {ArgumentError} `extractTextureFeatures: image …` for an image that is not [H, W, 3] uint8,
 *   `extractTextureFeatures: nucleusMask …` for a mask of the wrong type or length, `… options.…` for a bad option
 * @example
 * const seg = segmentNucleus(image);
 * const texture = extractTextureFeatures(image, seg.nucleus.data); // texture['glcm.contrast'], texture['lbp.u8'], …
 */
export function extractTextureFeatures(image: RgbImage, nucleusMask: Uint8Array, options?: TextureFeatureOptions): TextureFeatures {
  const fn = 'extractTextureFeatures';
  const opts = checkOptions(fn, options);
  const levels = optionalInteger(fn, 'options.glcmLevels', opts.glcmLevels, 32, { min: 2, max: 255 });
  const distances = checkArray<number>(fn, 'options.glcmDistances', opts.glcmDistances ?? [1], {
    minLength: 1,
    each: (v, i) => checkNumber(fn, `options.glcmDistances[${i}]`, v, { min: 1 }),
  });
  const shape = (image as Partial<RgbImage> | null | undefined)?.shape;
  if (!Array.isArray(shape) || shape.length !== 3 || shape[2] !== 3 || !(shape[0]! >= 1 && shape[1]! >= 1) || !(image.data instanceof Uint8Array)) {
    throw new ArgumentError(fn, 'image', 'an RGB image, a non-empty [H, W, 3] ndarray of Uint8Array data', image);
  }
  const { height, width } = rgbPixels(image, fn);
  if (!(nucleusMask instanceof Uint8Array) || nucleusMask.length !== height * width) {
    throw new ArgumentError(fn, 'nucleusMask', `a Uint8Array of length H·W = ${height}·${width}`, nucleusMask);
  }
  const gray = rgbToGray8(image);

  let area = 0;
  let r0 = height;
  let r1 = -1;
  let c0 = width;
  let c1 = -1;
  for (let r = 0, k = 0; r < height; r++) {
    for (let c = 0; c < width; c++, k++) {
      if (nucleusMask[k] === 0) continue;
      area++;
      if (r < r0) r0 = r;
      if (r > r1) r1 = r;
      if (c < c0) c0 = c;
      if (c > c1) c1 = c;
    }
  }

  const props: Record<(typeof GLCM_PROPERTY_NAMES)[number], number> = { ...EMPTY_GLCM };
  if (area > 0) {
    // Only pairs inside the mask count, so the mask's bounding box holds every one of them.
    const bh = r1 - r0 + 1;
    const bw = c1 - c0 + 1;
    const q = new Uint8Array(bh * bw);
    const g = gray.data;
    for (let r = 0; r < bh; r++) {
      for (let c = 0, k = (r + r0) * width + c0; c < bw; c++, k++) {
        if (nucleusMask[k] !== 0) q[r * bw + c] = 1 + ((g[k]! * levels) >> 8);
      }
    }
    const perAngle = glcmProperties(dropLevelZero(glcm(ndarray(q, [bh, bw]), { levels: levels + 1, distances, symmetric: true })));
    for (const name of GLCM_PROPERTY_NAMES) {
      const v = perAngle[name];
      let s = 0;
      for (let k = 0; k < v.length; k++) s += v[k]!;
      props[name] = s / v.length;
    }
  }
  const lbp = uniformLbpHistogram(gray, nucleusMask, { points: 8, radius: 1 });
  if (lbp.length !== LBP_HISTOGRAM_BINS) throw new Error(`${fn}: internal error, ${lbp.length} LBP bins`);
  return {
    'nucleus.areaPixels': area,
    'glcm.contrast': props.contrast,
    'glcm.dissimilarity': props.dissimilarity,
    'glcm.homogeneity': props.homogeneity,
    'glcm.asm': props.ASM,
    'glcm.energy': props.energy,
    'glcm.correlation': props.correlation,
    'lbp.u0': lbp[0]!,
    'lbp.u1': lbp[1]!,
    'lbp.u2': lbp[2]!,
    'lbp.u3': lbp[3]!,
    'lbp.u4': lbp[4]!,
    'lbp.u5': lbp[5]!,
    'lbp.u6': lbp[6]!,
    'lbp.u7': lbp[7]!,
    'lbp.u8': lbp[8]!,
    'lbp.u9': lbp[9]!,
  };
}
