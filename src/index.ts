/**
 * lymphomix: lymphocytosis classification (reactive vs malignant) from a patient's bag of
 * blood-smear images and clinical data.
 *
 * The layers, bottom to top: `core`, `io`, `segmentation`, `features`, `data`, `backend`, `mil`, `models`, `training`, `pipeline`, `report`; the command line is the
 * `lymphomix/cli` entry (Node). This entry is the whole library; `lymphomix/segmentation` (no tfjs),
 * `lymphomix/backbones` and `lymphomix/node` are parts of it for apps that need less.
 * @module lymphomix
 */
export * from './core/index.js';
export * from './io/index.js';
export * from './segmentation/index.js';
export * from './features/index.js';
export * from './data/index.js';
export * from './backend/index.js';
export * from './mil/index.js';
export * from './models/index.js';
export * from './training/index.js';
export * from './pipeline/index.js';
export * from './report/index.js';
// Types that public signatures use, exported so that users can name them (and the API reference links them).
export type { FeaturizedPatients } from './pipeline/featurizePatients.js';
export type { InstanceFitHistory, InstanceValidation } from './training/cellScores/instanceLearner.js';
export type { OnnxModuleImporter, OnnxSessionLike, OnnxTensorLike } from './models/backbones/onnx/loadOnnxRuntime.js';
