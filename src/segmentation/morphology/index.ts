export { connectedComponents } from './connectedComponents.js';
export type { Connectivity, ConnectedComponents, ConnectedComponentsOptions } from './connectedComponents.js';
export { largestComponent } from './largestComponent.js';
export type { LargestComponentOptions } from './largestComponent.js';
export { removeSmallObjects } from './removeSmallObjects.js';
export type { RemoveSmallObjectsOptions } from './removeSmallObjects.js';
export { fillHoles } from './fillHoles.js';
export type { FillHolesOptions } from './fillHoles.js';
