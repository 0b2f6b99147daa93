/**
 * One Node worker thread running `worker.ts`, seen as an async function bytes → outcome.
 * Node-only: `node:*` modules are imported dynamically so that browser bundles never load them.
 * @module
 */
import type { Worker } from 'node:worker_threads';
import type { ImageOutcome } from './processImageBytes.js';
import type { FeatureWorkerData, FeatureWorkerReply, FeatureWorkerTask } from './worker.js';
import { findWorkerModule, toModuleUrl, workerThreadEntry } from './workerThreadEntry.js';

/** A live worker thread that processes one image at a time. */
export interface FeatureWorker {
  /**
   * Process one image (`name` is used in error messages). With `transfer`, the bytes' buffer moves to the worker (detached here
   * afterwards); otherwise it is copied.
   */
  run(bytes: Uint8Array, name: string, transfer?: boolean): Promise<ImageOutcome>;
  /** Stop the thread; a pending `run` resolves to a failure. */
  terminate(): Promise<void>;
  /** False once the thread has exited (crash or terminate); a dead worker fails every `run`. */
  readonly alive: boolean;
}

/**
 * Where the worker entry lives, relative to the module that asks: the built
 * `worker.js` (next to this file when unbundled, or `features/batch/worker.js` beside a
 * bundled `dist/index.js`), else the TypeScript source `worker.ts` (running from source).
 *
 * @param base - URL of the calling module; defaults to this module's URL
 * @returns the `file:` URL of the first candidate that exists
 * @throws Error listing the candidates when none exists
 */
export async function resolveFeatureWorkerUrl(base?: string): Promise<URL> {
  const { pathToFileURL } = await import('node:url');
  const from = base ?? moduleUrl(pathToFileURL);
  return findWorkerModule(
    ['./worker.js', './features/batch/worker.js', './worker.ts'],
    from,
    'resolveFeatureWorkerUrl',
    'pass workerUrl to extractFeaturesBatch',
  );
}

export { toModuleUrl };

function moduleUrl(pathToFileURL: (path: string) => URL): string {
  // ESM (source, dist/index.js) has import.meta.url; the CommonJS build (dist/index.cjs) has __filename.
  const url = (import.meta as { url?: string }).url;
  if (typeof url === 'string' && url.length > 0) return url;
  if (typeof __filename === 'string') return pathToFileURL(__filename).href;
  throw new Error('resolveFeatureWorkerUrl: cannot locate this module; pass workerUrl to extractFeaturesBatch');
}

/**
 * Start one feature worker thread.
 *
 * @param data - what the worker needs to build its extractor
 * @param entry - the worker module, from {@link resolveFeatureWorkerUrl}
 * @returns a {@link FeatureWorker}
 */
export async function startFeatureWorker(data: FeatureWorkerData, entry: URL): Promise<FeatureWorker> {
  const { Worker: WorkerClass } = await import('node:worker_threads');
  const worker: Worker = new WorkerClass(await workerThreadEntry(entry, 'extractFeaturesBatch'), { workerData: data });
  let alive = true;
  let nextId = 0;
  let pending: { id: number; resolve: (o: ImageOutcome) => void } | undefined;
  let lastError = '';

  const failPending = (message: string): void => {
    const p = pending;
    pending = undefined;
    p?.resolve({ ok: false, message });
  };
  worker.on('message', (reply: FeatureWorkerReply) => {
    if (pending === undefined || reply.id !== pending.id) return;
    const p = pending;
    pending = undefined;
    const { id: _id, ...outcome } = reply;
    p.resolve(outcome);
  });
  worker.on('error', (error: Error) => {
    lastError = error.message;
  });
  worker.on('exit', (code: number) => {
    alive = false;
    failPending(`worker thread exited (code ${code})${lastError === '' ? '' : `: ${lastError}`}`);
  });

  return {
    get alive() {
      return alive;
    },
    run(bytes: Uint8Array, name: string, transfer = false): Promise<ImageOutcome> {
      if (!alive) return Promise.resolve({ ok: false, message: 'worker thread is not running' });
      if (pending !== undefined) throw new Error('FeatureWorker.run: a task is already running');
      const id = nextId++;
      return new Promise<ImageOutcome>((resolve) => {
        pending = { id, resolve };
        const task: FeatureWorkerTask = { id, bytes, name };
        const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
        worker.postMessage(task, transfer && whole && bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : []);
      });
    },
    async terminate(): Promise<void> {
      if (!alive) return;
      await worker.terminate();
    },
  };
}
