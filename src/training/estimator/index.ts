export type { BagPrediction, Estimator, EstimatorFitOptions, EstimatorProgressDetail, FittedModel } from './estimator.js';
