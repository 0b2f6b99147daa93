import { findWorkerModule } from '../../io/workers/workerModule.js';

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
  const { pathToFileURL } = await import('node:url');
  return findWorkerModule(
    ['./embeddingWorker.js', './models/backbones/embeddingWorker.js', './embeddingWorker.ts'],
    base ?? moduleUrl(pathToFileURL),
    'resolveEmbeddingWorkerUrl',
    'pass workerUrl to embedImagesPool',
  );
}

function moduleUrl(pathToFileURL: (path: string) => URL): string {
  // ESM (source, dist/index.js) has import.meta.url; the CommonJS build (dist/index.cjs) has __filename.
  const url = (import.meta as { url?: string }).url;
  if (typeof url === 'string' && url.length > 0) return url;
  if (typeof __filename === 'string') return pathToFileURL(__filename).href;
  throw new Error('resolveEmbeddingWorkerUrl: cannot locate this module; pass workerUrl to embedImagesPool');
}
