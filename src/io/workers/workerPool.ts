/**
 * The one worker-pool mechanism of the library (Node `worker_threads` through piscina): feature extraction and
 * embedding both run their per-image work through it.
 * @module
 */
import { workerThreadEntry } from './workerModule.js';

/** Options of {@link startWorkerPool}. */
export interface WorkerPoolOptions {
  /** The public function named in errors, e.g. `'extractFeaturesBatch'`. */
  readonly fn: string;
  /** The worker module (its default export handles one task), `.js` or, from source, `.ts` (loaded through tsx). */
  readonly entry: URL;
  /** Threads, ≥ 1; all start at once and a thread that exits is replaced. */
  readonly threads: number;
}

/** Options of one {@link WorkerPool.run}. */
export interface WorkerRunOptions {
  /** Buffers that move to the thread (detached here). Defaults to none (everything is copied). */
  readonly transfer?: readonly ArrayBuffer[];
  /** Aborts the task: a queued task is dropped, a running one's thread is terminated (and replaced). */
  readonly signal?: AbortSignal;
}

/** A pool of threads running one worker module. */
export interface WorkerPool<T, R> {
  /**
   * Runs one task on the next free thread (tasks queue when all are busy).
   * @throws the task's error; Error `worker thread exited (code N)` when its thread died; the signal's reason when aborted
   */
  run(task: T, options?: WorkerRunOptions): Promise<R>;
  /** Stops every thread (tasks still running reject). */
  close(): Promise<void>;
}

/** `worker thread exited (code N)` for piscina's exit error; the abort reason for its AbortError; else the error. */
function translate(error: unknown, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted === true) return signal.reason;
  const message = error instanceof Error ? error.message : String(error);
  const exit = /^worker exited with code: (-?\d+)/.exec(message);
  return exit === null ? error : new Error(`worker thread exited (code ${exit[1]})`, { cause: error });
}

/**
 * Starts a pool of worker threads (piscina: queueing, abort, transfer lists, crashed threads replaced).
 *
 * @param options - see {@link WorkerPoolOptions}
 * @returns the pool; close it when done
 * @throws Error naming `options.fn` when the entry is TypeScript and tsx cannot be loaded
 * @example
 * const pool = await startWorkerPool<Task, Reply>({ fn: 'extractFeaturesBatch', entry, threads: 4 });
 * try { reply = await pool.run(task, { transfer: [bytes.buffer] }); } finally { await pool.close(); }
 */
export async function startWorkerPool<T, R>(options: WorkerPoolOptions): Promise<WorkerPool<T, R>> {
  const file = await workerThreadEntry(options.entry, options.fn);
  const { Piscina } = await import('piscina');
  const pool = new Piscina({
    filename: file.href,
    minThreads: options.threads,
    maxThreads: options.threads,
    concurrentTasksPerWorker: 1,
  });
  // An exit outside any task (e.g. at start-up) is reported by the tasks that follow; not an unhandled 'error'.
  pool.on('error', () => undefined);
  return {
    async run(task, { transfer = [], signal } = {}) {
      signal?.throwIfAborted();
      try {
        return (await pool.run(task, {
          transferList: transfer as ArrayBuffer[],
          ...(signal === undefined ? {} : { signal }),
        })) as R;
      } catch (error) {
        throw translate(error, signal);
      }
    },
    async close() {
      await pool.destroy();
    },
  };
}
