import { callerModuleUrl, findWorkerModule } from '../../io/workers/workerModule.js';

/**
 * Where the feature worker module lives, relative to the module that asks: the built `featureWorker.js` (next to
 * this file when unbundled, or `features/batch/featureWorker.js` beside a bundled `dist/index.js`), else the
 * TypeScript source `featureWorker.ts` (running from source). Node only.
 *
 * @param base - URL of the calling module; defaults to this module's URL
 * @returns the `file:` URL of the first candidate that exists
 * @throws Error naming `resolveFeatureWorkerUrl` and listing the candidates when none exists
 * @example
 * const entry = await resolveFeatureWorkerUrl(); // …/dist/features/batch/featureWorker.js when built
 */
export async function resolveFeatureWorkerUrl(base?: string): Promise<URL> {
  return findWorkerModule(
    ['./featureWorker.js', './features/batch/featureWorker.js', '../features/batch/featureWorker.js', './featureWorker.ts'],
    base ?? (await callerModuleUrl((import.meta as { url?: string }).url, 'resolveFeatureWorkerUrl', 'pass workerUrl to extractFeaturesBatch')),
    'resolveFeatureWorkerUrl',
    'pass workerUrl to extractFeaturesBatch',
  );
}
