export { binaryCrossEntropyWithLogits } from './binaryCrossEntropyWithLogits.js';
export type { BinaryCrossEntropyOptions } from './binaryCrossEntropyWithLogits.js';
export { classWeights } from './classWeights.js';
export type { ClassWeights } from './classWeights.js';
export { nmse } from './nmse.js';
export type { NmseOptions } from './nmse.js';
export { multitaskLoss } from './multitaskLoss.js';
export type { MultitaskLossOptions, MultitaskTerms } from './multitaskLoss.js';
export type { LossReduction } from './reduction.js';
