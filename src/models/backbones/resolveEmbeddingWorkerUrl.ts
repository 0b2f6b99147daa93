import { callerModuleUrl, findWorkerModule } from '../../io/workers/workerModule.js';

/**
 * Where the embedding worker module lives, relative to the module that asks: the built `embeddingWorker.js` (next to
 * this file when unbundled, or `models/backbones/embeddingWorker.js` beside a bundled `dist/index.js`), else the
 * TypeScript source `embeddingWorker.ts` (running from source). Node only.
 *
 * @param base - URL of the calling module; defaults to this module's URL
 * @returns the `file:` URL of the first candidate that exists
 * @throws Error naming `resolveEmbeddingWorkerUrl` and listing the candidates when none exists
 * @example
 * const entry = await resolveEmbeddingWorkerUrl(); // …/dist/models/backbones/embeddingWorker.js when built
 */
export async function resolveEmbeddingWorkerUrl(base?: string): Promise<URL> {
  return findWorkerModule(
    ['./embeddingWorker.js', './models/backbones/embeddingWorker.js', '../models/backbones/embeddingWorker.js', './embeddingWorker.ts'],
    base ?? (await callerModuleUrl((import.meta as { url?: string }).url, 'resolveEmbeddingWorkerUrl', 'pass workerUrl to embedImagesPool')),
    'resolveEmbeddingWorkerUrl',
    'pass workerUrl to embedImagesPool',
  );
}
