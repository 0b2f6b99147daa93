export { fitCellScoreStage } from './cellScoreStage.js';
export type { CellScoreCache, CellScoreStage, CellScoreStageOptions, CellScoreStageState } from './cellScoreStage.js';
export { CELL_SCORES_MIXTURE_DEFAULTS, CELL_SCORES_MIXTURE_FIT_DEFAULTS, cellScoresMixtureEstimator, loadCellScoresMixture } from './cellScoresMixtureEstimator.js';
export type { CellScoresMixtureConfig, CellScoresMixtureModel, CellScoresMixtureOptions, CellScoresMixturePrediction } from './cellScoresMixtureEstimator.js';
