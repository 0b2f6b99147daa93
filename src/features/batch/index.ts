export { extractFeaturesBatch, FEATURE_CACHE_VERSION } from './extractFeaturesBatch.js';
export type {
  BatchFailure,
  BatchImageResult,
  BatchProgressDetail,
  ExtractFeaturesBatchOptions,
  FeaturesBatchResult,
} from './extractFeaturesBatch.js';
export { resolveFeatureWorkerUrl } from './resolveFeatureWorkerUrl.js';
export { loadCellExtractor, processImageBytes } from './processImageBytes.js';
export type { CellExtractor, ImageOutcome } from './processImageBytes.js';
