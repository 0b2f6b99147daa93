/**
 * One Node worker thread running `worker.ts`, seen as an async function bytes → outcome.
 * Node-only: `node:*` modules are imported dynamically so that browser bundles never load them.
 * @module
 */
import type { Worker } from 'node:worker_threads';
import type { ImageOutcome } from './processImageBytes.js';
import type { FeatureWorkerData, FeatureWorkerReply, FeatureWorkerTask } from './worker.js';

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
  const { existsSync } = await import('node:fs');
  const { fileURLToPath, pathToFileURL } = await import('node:url');
  const from = base ?? moduleUrl(pathToFileURL);
  const candidates = ['./worker.js', './features/batch/worker.js', './worker.ts'].map((p) => new URL(p, from));
  for (const url of candidates) {
    if (existsSync(fileURLToPath(url))) return url;
  }
  throw new Error(
    `resolveFeatureWorkerUrl: no worker entry found (tried ${candidates.map((u) => u.href).join(', ')}); ` +
      'pass workerUrl to extractFeaturesBatch',
  );
}

/**
 * A module specifier as a URL: URLs (`file:`, `data:`, …) as they are, paths resolved against the
 * working directory (a Windows drive letter counts as a path).
 */
export async function toModuleUrl(spec: string | URL): Promise<URL> {
  if (spec instanceof URL) return spec;
  if (/^[a-z][a-z0-9+.-]+:/i.test(spec)) return new URL(spec);
  const { pathToFileURL } = await import('node:url');
  const { resolve } = await import('node:path');
  return pathToFileURL(resolve(spec));
}

function moduleUrl(pathToFileURL: (path: string) => URL): string {
  // ESM (source, dist/index.js) has import.meta.url; the CommonJS build (dist/index.cjs) has __filename.
  const url = (import.meta as { url?: string }).url;
  if (typeof url === 'string' && url.length > 0) return url;
  if (typeof __filename === 'string') return pathToFileURL(__filename).href;
  throw new Error('resolveFeatureWorkerUrl: cannot locate this module; pass workerUrl to extractFeaturesBatch');
}

/**
 * The URL a `Worker` should start: `entry` itself for JavaScript, or for a TypeScript
 * entry a `data:` bootstrap that registers tsx's ESM loader in the worker and then imports
 * it (workers do not inherit vitest's transform, and `--import tsx` via `execArgv` does not
 * reach a worker's own loader). tsx is a development dependency: a TypeScript entry without
 * tsx installed fails with a message that says so.
 */
async function workerEntry(entry: URL): Promise<URL> {
  if (!/\.[cm]?ts$/.test(entry.pathname)) return entry;
  const { createRequire } = await import('node:module');
  const { pathToFileURL } = await import('node:url');
  const { dirname, join } = await import('node:path');
  const { readFileSync } = await import('node:fs');
  let api: string;
  try {
    const require = createRequire(entry);
    const pkgPath = require.resolve('tsx/package.json');
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as {
      exports: Record<string, { import?: { default?: string } }>;
    };
    const rel = pkg.exports['./esm/api']?.import?.default;
    if (rel === undefined) throw new Error('tsx has no ./esm/api export');
    api = pathToFileURL(join(dirname(pkgPath), rel)).href;
  } catch (error) {
    throw new Error(
      `extractFeaturesBatch: the worker entry ${entry.href} is TypeScript and tsx could not be loaded ` +
        `(${error instanceof Error ? error.message : String(error)}); build the package or pass workers: 0`,
    );
  }
  const code =
    `const { register } = await import(${JSON.stringify(api)});\n` +
    `register();\n` +
    `await import(${JSON.stringify(entry.href)});\n`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
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
  const worker: Worker = new WorkerClass(await workerEntry(entry), { workerData: data });
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
