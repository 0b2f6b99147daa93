export { randomPermutation, shuffleInPlace } from './randomPermutation.js';
export type { IndexSplit } from './indexSplit.js';
export type { ClassLabel } from './encodeClasses.js';
export { stratifiedKFold } from './stratifiedKFold.js';
export type { StratifiedKFoldOptions } from './stratifiedKFold.js';
export { stratifiedTrainTestSplit } from './stratifiedTrainTestSplit.js';
export type { StratifiedTrainTestSplitOptions } from './stratifiedTrainTestSplit.js';
