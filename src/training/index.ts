export * from './splits/index.js';
export * from './losses/index.js';
export * from './optimizers/index.js';
export * from './schedules/index.js';
export * from './callbacks/index.js';
export * from './metrics/index.js';
export * from './baselines/index.js';
