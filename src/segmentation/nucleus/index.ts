export { segmentNucleus } from './segmentNucleus.js';
export type {
  ComponentPolicy,
  NucleusMeasurements,
  NucleusSegmentation,
  NucleusStatus,
  SegmentNucleusOptions,
} from './segmentNucleus.js';
export { colorBalance } from './colorBalance.js';
export { nucleusMap } from './nucleusMap.js';
