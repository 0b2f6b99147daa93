export { fitMixtureOfExperts } from './fitMixtureOfExperts.js';
export type { EpochLog, FitHistory, FitOptions, FitProgress } from './fitMixtureOfExperts.js';
export { poolImagesOnHost } from './poolImagesOnHost.js';
export type { HostPoolableAggregator } from './poolImagesOnHost.js';
