export { extractFeaturesBatch } from './extractFeaturesBatch.js';
export type {
  BatchFailure,
  BatchImageResult,
  BatchProgress,
  ExtractFeaturesBatchOptions,
  FeaturesBatchResult,
} from './extractFeaturesBatch.js';
export { FEATURE_CACHE_VERSION, openFeatureCache } from './featureCache.js';
export type { FeatureCache, FeatureCacheOptions } from './featureCache.js';
export { loadCellExtractor, processImageBytes } from './processImageBytes.js';
export type { CellExtractor, ImageOutcome } from './processImageBytes.js';
