export { EarlyStopping } from './earlyStopping.js';
export type { EarlyStoppingDecision, EarlyStoppingOptions } from './earlyStopping.js';
export { EarlyStoppingCallback } from './earlyStoppingCallback.js';
export type { EarlyStoppingCallbackOptions } from './earlyStoppingCallback.js';
export { ReduceLROnPlateauCallback } from './reduceLROnPlateauCallback.js';
export type { ReduceLROnPlateauCallbackOptions } from './reduceLROnPlateauCallback.js';
export { WeightSnapshot } from './weightSnapshot.js';
export type { WeightHolder, WeightSource } from './weightSnapshot.js';
