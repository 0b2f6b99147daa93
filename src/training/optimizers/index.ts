export { AdamW } from './adamW.js';
export type { AdamWOptions, NamedTensor } from './adamW.js';
export { GradientAccumulator } from './gradientAccumulator.js';
export type { AccumulatorStep, GradientAccumulatorOptions } from './gradientAccumulator.js';
