export { gaussianBlur } from './gaussianBlur.js';
export type { GaussianBlurOptions, GrayImage8 } from './gaussianBlur.js';
export { borderReflect101 } from './borderReflect101.js';
