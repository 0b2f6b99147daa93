export { ReduceLROnPlateau } from './reduceLROnPlateau.js';
export type { PlateauDecision, ReduceLROnPlateauOptions } from './reduceLROnPlateau.js';
export { getLearningRate, setLearningRate } from './learningRate.js';
export type { MonitorMode } from './monitorMode.js';
