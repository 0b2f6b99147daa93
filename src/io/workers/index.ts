/**
 * io/workers: the one worker-pool mechanism (piscina) and how its worker modules are found, built or from source.
 * @module
 */
export { startWorkerPool } from './workerPool.js';
export type { WorkerPool, WorkerPoolOptions, WorkerRunOptions } from './workerPool.js';
export { findWorkerModule, toModuleUrl, workerThreadEntry } from './workerModule.js';
