export * from './cell/index.js';
export * from './batch/index.js';
export * from './aggregate/index.js';
export * from './texture/index.js';
