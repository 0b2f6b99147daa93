/**
 * synthetic: the embedded default data. A seeded generator of May-Grünwald-Giemsa lymphocyte crops with
 * ground-truth nucleus masks, and of whole reactive/malignant cohorts with clinical metadata.
 * @module
 */
export { sampleSyntheticCellParams, SYNTHETIC_MORPHOLOGY } from './sampleSyntheticCellParams.js';
export type {
  SampleSyntheticCellParamsOptions,
  SyntheticCellParams,
  SyntheticCleft,
  SyntheticPatientBaseline,
} from './sampleSyntheticCellParams.js';
export { renderSyntheticCell, resolveRenderSyntheticCellOptions } from './renderSyntheticCell.js';
export type { RenderSyntheticCellOptions, SyntheticCell } from './renderSyntheticCell.js';
export { synthesizeCohort, resolveSynthesizeCohortOptions } from './synthesizeCohort.js';
export type { ResolvedSynthesizeCohortOptions, SynthesizeCohortOptions, SyntheticPatient } from './synthesizeCohort.js';
export { writeSyntheticCohort, SYNTHETIC_COHORT_FORMAT_VERSION, SYNTHETIC_MASKS_FOLDER } from './writeSyntheticCohort.js';
export type { WriteSyntheticCohortOptions, WriteSyntheticCohortProgress, WriteSyntheticCohortResult } from './writeSyntheticCohort.js';
