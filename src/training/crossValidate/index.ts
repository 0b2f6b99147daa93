export { CROSS_VALIDATE_CHECKPOINT_FORMAT, crossValidate } from './crossValidate.js';
export type {
  BinaryMetrics,
  CheckpointReport,
  CrossValidateCheckpoint,
  CrossValidateOptions,
  CrossValidateProgressDetail,
  CrossValidationResult,
  FoldResult,
  RepeatResult,
} from './crossValidate.js';
export { collectOutOfFold } from './collectOutOfFold.js';
export type { FoldPrediction } from './collectOutOfFold.js';
export { CheckpointEntryError, memoryCheckpointStore } from './checkpointStore.js';
export type { CheckpointStore } from './checkpointStore.js';
export { MAX_CHECKPOINT_ENTRY_BYTES, openFolderCheckpointStore } from './openFolderCheckpointStore.js';
export { hashPatientBags } from './hashPatientBags.js';
