export { crossValidate } from './crossValidate.js';
export type {
  BinaryMetrics,
  CrossValidateOptions,
  CrossValidateProgress,
  CrossValidationResult,
  FoldResult,
} from './crossValidate.js';
