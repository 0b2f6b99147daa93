/** The GLCM properties averaged into the texture features, in order (scikit-image `graycoprops` names). */
export const GLCM_PROPERTY_NAMES = ['contrast', 'dissimilarity', 'homogeneity', 'ASM', 'energy', 'correlation'] as const;

/** One of {@link GLCM_PROPERTY_NAMES}. */
export type GlcmPropertyName = (typeof GLCM_PROPERTY_NAMES)[number];

/** Number of bins of the uniform LBP histogram with P = 8 neighbours: codes 0…8 (uniform) and 9 (non-uniform). */
export const LBP_HISTOGRAM_BINS = 10;

/**
 * The per-cell texture feature names in their canonical order:
 * - `nucleus.areaPixels`: nucleus pixel count;
 * - `glcm.<property>`: the GLCM properties of the quantised nucleus gray levels, averaged over distances and angles
 *   (`glcm.asm` is scikit-image's `ASM`);
 * - `lbp.u0` … `lbp.u9`: the density histogram of the uniform LBP codes (P = 8, R = 1) over the nucleus pixels.
 *
 * See docs/texture-features.md for the exact definition.
 */
export const TEXTURE_FEATURE_NAMES = [
  'nucleus.areaPixels',
  'glcm.contrast',
  'glcm.dissimilarity',
  'glcm.homogeneity',
  'glcm.asm',
  'glcm.energy',
  'glcm.correlation',
  'lbp.u0',
  'lbp.u1',
  'lbp.u2',
  'lbp.u3',
  'lbp.u4',
  'lbp.u5',
  'lbp.u6',
  'lbp.u7',
  'lbp.u8',
  'lbp.u9',
] as const;

/** One of {@link TEXTURE_FEATURE_NAMES}, e.g. `'glcm.contrast'` or `'lbp.u3'`. */
export type TextureFeatureName = (typeof TEXTURE_FEATURE_NAMES)[number];

/** The texture features of one cell, one finite number per {@link TEXTURE_FEATURE_NAMES} entry. */
export type TextureFeatures = Record<TextureFeatureName, number>;
