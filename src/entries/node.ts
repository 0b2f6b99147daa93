/**
 * `lymphomix/node`: the parts of the library for Node: feature extraction on worker-thread pools
 * ({@link extractFeaturesBatch}; with `workers: 0` it also runs in browsers) and the pooled embedder
 * ({@link embedImagesPool}), the on-disk content-keyed cache, regular-file reads and atomic writes, tfjs model folders
 * on disk, cohort folders (reading the challenge layout, writing a synthetic cohort) and the native tfjs/WebGPU
 * set-up; and the argument checks with their error class ({@link ArgumentError}).
 *
 * A browser bundle has little use for these; the same names are in the root `lymphomix` entry. Importing this entry
 * in Node does not load tfjs's training code, the pipeline or the report.
 *
 * @example
 * ```ts
 * import { loadCohort, writeSyntheticCohort } from 'lymphomix/node';
 * await writeSyntheticCohort('trainset', { seed: 1, patientCount: 20 });
 * const cohort = await loadCohort('trainset');
 * ```
 * @module node
 */
export * from '../core/index.js';
export * from '../features/batch/index.js';
export { resolveEmbeddingWorkerUrl } from '../models/backbones/resolveEmbeddingWorkerUrl.js';
export * from '../io/cache/index.js';
export { FileReadError, readRegularFile } from '../io/bytes/readRegularFile.js';
export type { ReadRegularFileOptions } from '../io/bytes/readRegularFile.js';
export { atomicWriteFile } from '../io/bytes/atomicWriteFile.js';
export { fileSystemIO } from '../io/modelIo/fileSystemIO.js';
export type { FileSystemIOOptions } from '../io/modelIo/fileSystemIO.js';
export { loadCohort } from '../data/cohort/loadCohort.js';
export type { LoadCohortOptions } from '../data/cohort/loadCohort.js';
export { writeSyntheticCohort, SYNTHETIC_COHORT_FORMAT_VERSION, SYNTHETIC_MASKS_FOLDER } from '../data/synthetic/writeSyntheticCohort.js';
export type { WriteSyntheticCohortOptions, WriteSyntheticCohortProgress, WriteSyntheticCohortResult } from '../data/synthetic/writeSyntheticCohort.js';
export { embedImagesPool } from '../models/backbones/embedImagesPool.js';
export type { EmbedImagesPoolOptions } from '../models/backbones/embedImagesPool.js';
export * from '../backend/loadTfjsNode.js';
export { installNodeWebGpu, NODE_WEBGPU_INSTALL_COMMAND, SWIFTSHADER_ICD_PATH } from '../backend/installNodeWebGpu.js';
export type { NodeWebGpuOptions, NodeWebGpuInstall, GpuLike } from '../backend/installNodeWebGpu.js';
