export type { BagPrediction, Estimator, EstimatorFitOptions, EstimatorProgressDetail, FittedModel } from './estimator.js';
export { mixtureOfExpertsEstimator } from './mixtureOfExpertsEstimator.js';
export type { MixtureOfExpertsEstimatorOptions, MixtureTrainingDetail } from './mixtureOfExpertsEstimator.js';
export type { LossCurve, LossCurveUnit } from './lossCurve.js';
