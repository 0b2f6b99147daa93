export * from './splits/index.js';
