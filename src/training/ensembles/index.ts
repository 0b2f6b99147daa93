export { averagePredictions } from './averagePredictions.js';
export { ensembleModel } from './ensembleModel.js';
export type { EnsembleModel } from './ensembleModel.js';
export { foldEnsembleEstimator } from './foldEnsembleEstimator.js';
export type { FoldEnsembleOptions } from './foldEnsembleEstimator.js';
export { baggingEstimator } from './baggingEstimator.js';
export type { BaggingOptions } from './baggingEstimator.js';
export { metadataStackEstimator } from './metadataStackEstimator.js';
export type { MetadataStackModel, MetadataStackOptions, MetadataStackPrediction } from './metadataStackEstimator.js';
