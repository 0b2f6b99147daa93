export * from './color/index.js';
export * from './threshold/index.js';
export * from './filters/index.js';
export * from './morphology/index.js';
export * from './geometry/index.js';
export * from './nucleus/index.js';
