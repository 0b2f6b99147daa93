/**
 * core: what every layer shares and nothing else: the argument checks and their one error class, the one
 * pseudo-random generator with its sub-seed derivation, and the one progress event. No tensors, no I/O.
 * @module
 */
export { ArgumentError, boundMessage, DescribedValue, describeValue, MAX_MESSAGE_LENGTH } from './argumentError.js';
export {
  checkArray,
  checkBoolean,
  checkFunction,
  checkInteger,
  checkNumber,
  checkOneOf,
  checkOptions,
  checkString,
  checkThat,
  optionalInteger,
  optionalNumber,
} from './check.js';
export type { NumberBounds } from './check.js';
export { deriveSeed, hashSeed, seededRandom } from './random.js';
export type { SeededRandom } from './random.js';
export { createProgressReporter } from './progress.js';
export type { ProgressEvent, ProgressListener, ProgressReporter, ProgressReporterOptions, ProgressStage } from './progress.js';
