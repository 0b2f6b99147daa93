export * from './cohort/index.js';
export * from './synthetic/index.js';
