export { dihedralCrop } from './dihedralCrop.js';
export { cropCnnEstimator } from './cropCnnEstimator.js';
export type { CropCnnEstimatorOptions, CropCnnPrediction, CropCnnProgressDetail } from './cropCnnEstimator.js';
