/**
 * features/texture: per-cell texture descriptors of the nucleus (area in pixels, GLCM properties, uniform LBP
 * histogram), each equal to its scikit-image counterpart (`graycomatrix`, `graycoprops`, `local_binary_pattern`).
 * Pure typed-array code, no tensors. See docs/texture-features.md.
 * @module
 */
export { extractTextureFeatures } from './extractTextureFeatures.js';
export type { TextureFeatureOptions } from './extractTextureFeatures.js';
export { glcm, GLCM_DEFAULT_ANGLES } from './glcm.js';
export type { Glcm, GlcmOptions } from './glcm.js';
export { glcmProperties } from './glcmProperties.js';
export type { GlcmProperties } from './glcmProperties.js';
export type { GrayData, GrayImage } from './grayImageInput.js';
export { LBP_METHODS, localBinaryPattern, uniformLbpHistogram } from './localBinaryPattern.js';
export type { LbpMethod, LocalBinaryPatternOptions, UniformLbpHistogramOptions } from './localBinaryPattern.js';
export { GLCM_PROPERTY_NAMES, LBP_HISTOGRAM_BINS, TEXTURE_FEATURE_NAMES } from './textureFeatureNames.js';
export type { GlcmPropertyName, TextureFeatureName, TextureFeatures } from './textureFeatureNames.js';
