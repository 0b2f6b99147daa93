export { confusionMatrix } from './confusionMatrix.js';
export type { ConfusionMatrix, ThresholdOptions } from './confusionMatrix.js';
export { sensitivity } from './sensitivity.js';
export { specificity } from './specificity.js';
export { balancedAccuracy } from './balancedAccuracy.js';
export { rocAuc } from './rocAuc.js';
export type { NumberArray } from './binaryInputs.js';
export { rocCurve } from './rocCurve.js';
export type { RocCurve } from './rocCurve.js';
