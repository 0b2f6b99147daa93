export { fitMixtureOfExperts } from './fitMixtureOfExperts.js';
export type { EpochLog, FitHistory, FitOptions, FitProgressDetail } from './fitMixtureOfExperts.js';
export { poolImagesOnHost } from './poolImagesOnHost.js';
export type { HostPoolableAggregator } from './poolImagesOnHost.js';
export { resolveFitOptions } from './fitMixtureOfExperts.js';
