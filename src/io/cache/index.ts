/**
 * io/cache: the one content-keyed on-disk cache (Node), used by feature extraction and embedding.
 * @module
 */
export { CONTENT_CACHE_FORMAT, openContentCache, stableStringify } from './contentCache.js';
export type { ContentCache, ContentCacheOptions, ContentCacheStats } from './contentCache.js';
export { removeStaleTempFiles } from './removeStaleTempFiles.js';
export type { RemoveStaleTempFilesOptions } from './removeStaleTempFiles.js';
