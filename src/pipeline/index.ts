/**
 * pipeline: one object from a cohort to a saved model, a prediction and cross-validated figures, built on every
 * layer below. Its configuration is one typed, serialisable value (named presets included).
 * @module
 */
export {
  PIPELINE_CONFIG_VERSION,
  PIPELINE_DECODERS,
  PIPELINE_PRESETS,
  PIPELINE_PRESET_NAMES,
  resolvePipelineConfig,
} from './pipelineConfig.js';
export type {
  PipelineConfig,
  PipelineFeaturesConfig,
  PipelineModelConfig,
  PipelinePresetName,
  ResolvedPipelineConfig,
} from './pipelineConfig.js';
export { featurizePatients } from './featurizePatients.js';
export type { FeaturizePatientsOptions, ImageRecord, PipelineImage, PipelinePatient } from './featurizePatients.js';
export { LymphocytosisPipeline } from './lymphocytosisPipeline.js';
export type {
  ImagePrediction,
  PatientPrediction,
  PipelineCrossValidateOptions,
  PipelineCrossValidation,
  PipelineFitOptions,
  PipelineOptions,
  PipelineRunOptions,
} from './lymphocytosisPipeline.js';
export { estimatorKinds, registerEstimator } from './estimatorRegistry.js';
export type { EstimatorContext, EstimatorKind, SavableModel } from './estimatorRegistry.js';
export type { CellLearnerConfig, CellScoresKindOptions, MixtureKindOptions } from './builtinEstimators.js';
export { PIPELINE_FORMAT, PIPELINE_FORMAT_VERSION, PIPELINE_MANIFEST_FILE, readPipelineManifest } from './pipelineManifest.js';
export type { PipelineManifest } from './pipelineManifest.js';
export { PipelineManifestError } from './pipelineManifestError.js';
