/**
 * One embedding worker thread (`embeddingWorker.ts`) seen from the pool: started, waited for until its backbone
 * is built, then an async function items → per-item outcomes. Node-only: `node:*` modules are imported
 * dynamically so that browser bundles never load them.
 * @module
 */
import type { Worker } from 'node:worker_threads';
import { findWorkerModule, workerThreadEntry } from '../../features/batch/workerThreadEntry.js';
import type {
  EmbeddingWorkerData,
  EmbeddingWorkerItem,
  EmbeddingWorkerReady,
  EmbeddingWorkerReply,
  EmbeddingWorkerResult,
  EmbeddingWorkerTask,
} from './embeddingWorker.js';

/** A live embedding thread whose backbone is built. */
export interface EmbeddingThread {
  /** What the thread reported once its backbone was built. */
  readonly ready: EmbeddingWorkerReady;
  /**
   * Embed items in one forward pass. Buffers listed in `transfer` move to the thread (detached here). When
   * the thread dies meanwhile, every item fails with the exit code and the thread's last error.
   */
  run(items: EmbeddingWorkerItem[], transfer: ArrayBuffer[]): Promise<EmbeddingWorkerResult['results']>;
  /** Stop the thread. */
  terminate(): Promise<void>;
  /** False once the thread has exited (crash or terminate). */
  readonly alive: boolean;
}

/**
 * Where the embedding worker entry lives, relative to `base`: the built `embeddingWorker.js` (next to this file
 * when unbundled, or `models/backbones/embeddingWorker.js` beside a bundled `dist/index.js`), else the TypeScript
 * source `embeddingWorker.ts` (running from source).
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

/**
 * Start one embedding thread and wait until its backbone is built.
 *
 * @param data - the backbone spec and decoder module
 * @param entry - the worker module, from {@link resolveEmbeddingWorkerUrl}
 * @param startTimeoutMs - how long the thread may take to build its backbone (ms); Infinity: no limit.
 *   Defaults to Infinity.
 * @returns the thread
 * @throws Error with the thread's message when the backbone cannot be built or the thread exits first, or
 *   saying it did not start in time (the thread is then terminated)
 */
export async function startEmbeddingThread(data: EmbeddingWorkerData, entry: URL, startTimeoutMs = Infinity): Promise<EmbeddingThread> {
  const { Worker: WorkerClass } = await import('node:worker_threads');
  const worker: Worker = new WorkerClass(await workerThreadEntry(entry, 'embedImagesPool'), { workerData: data });
  let alive = true;
  let nextId = 0;
  let lastError = '';
  let pending: { id: number; size: number; resolve: (r: EmbeddingWorkerResult['results']) => void } | undefined;
  let starting: { resolve: (r: EmbeddingWorkerReady) => void; reject: (e: Error) => void } | undefined;
  const started = new Promise<EmbeddingWorkerReady>((resolve, reject) => (starting = { resolve, reject }));

  worker.on('message', (reply: EmbeddingWorkerReply) => {
    if (reply.kind === 'ready') starting?.resolve(reply);
    else if (reply.kind === 'failed') starting?.reject(new Error(reply.message));
    else if (pending !== undefined && reply.id === pending.id) {
      const p = pending;
      pending = undefined;
      p.resolve(reply.results);
    }
  });
  worker.on('error', (error: Error) => {
    lastError = error.message;
  });
  worker.on('exit', (code: number) => {
    alive = false;
    const why = `worker thread exited (code ${code})${lastError === '' ? '' : `: ${lastError}`}`;
    starting?.reject(new Error(why));
    const p = pending;
    pending = undefined;
    p?.resolve(Array.from({ length: p.size }, () => ({ error: why })));
  });

  const timer = Number.isFinite(startTimeoutMs)
    ? setTimeout(() => {
        starting?.reject(new Error(`worker thread did not build the backbone within ${startTimeoutMs} ms (startTimeoutMs)`));
      }, startTimeoutMs)
    : undefined;
  let ready: EmbeddingWorkerReady;
  try {
    ready = await started;
  } catch (e) {
    await worker.terminate();
    throw e;
  } finally {
    clearTimeout(timer);
  }
  starting = undefined;
  return {
    ready,
    get alive() {
      return alive;
    },
    run(items, transfer) {
      if (!alive) return Promise.resolve(items.map(() => ({ error: 'worker thread is not running' })));
      if (pending !== undefined) throw new Error('EmbeddingThread.run: a task is already running');
      const id = nextId++;
      return new Promise((resolve) => {
        pending = { id, size: items.length, resolve };
        const task: EmbeddingWorkerTask = { id, items };
        worker.postMessage(task, transfer);
      });
    },
    async terminate() {
      if (!alive) return;
      await worker.terminate();
    },
  };
}
