export { thresholdOtsu, otsuIndexFromHistogram } from './otsu.js';
export type { ThresholdInput, ThresholdOtsuOptions } from './otsu.js';
export { thresholdMultiOtsu } from './multiOtsu.js';
export type { ThresholdMultiOtsuOptions } from './multiOtsu.js';
