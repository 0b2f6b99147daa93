export { crossValidate } from './crossValidate.js';
export type {
  BinaryMetrics,
  CrossValidateOptions,
  CrossValidateProgressDetail,
  CrossValidationResult,
  FoldResult,
  RepeatResult,
} from './crossValidate.js';
export { collectOutOfFold } from './collectOutOfFold.js';
export type { FoldPrediction } from './collectOutOfFold.js';
