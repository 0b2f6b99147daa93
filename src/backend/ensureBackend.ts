import * as tf from '@tensorflow/tfjs';
import { initBackend } from './initBackend.js';
import type { BackendSelection } from './initBackend.js';
import { isNodeRuntime } from './runtime.js';

/** The backend a first library call sets up when none is active: `'wasm'` in Node, `'auto'` elsewhere. */
export function defaultBackendName(): 'wasm' | 'auto' {
  return isNodeRuntime() ? 'wasm' : 'auto';
}

/** The name of tfjs's active backend, without making tfjs pick one (which `tf.getBackend()` does). */
export function activeBackendName(): string | null {
  const name = (tf.engine() as unknown as { backendName?: string | null }).backendName;
  return typeof name === 'string' ? name : null;
}

let pending: Promise<BackendSelection | null> | undefined;

/**
 * Sets up the default tfjs backend on first use, so that no library call silently runs on tfjs's slow `cpu` backend
 * (which, in Node, also prints tfjs's "install tfjs-node" banner). Every library entry point that makes tensors
 * awaits this before its first tensor.
 *
 * - When a backend is already active (the user called {@link initBackend} or `tf.setBackend`, or made a tensor), it
 *   is kept: nothing is switched under the user's tensors.
 * - Otherwise it calls `initBackend(defaultBackendName())`: `'wasm'` in Node (the fastest backend available without
 *   a native package), `'auto'` in browsers (webgpu → webgl → wasm → cpu). To run on `cpu`, ask for it:
 *   `await initBackend('cpu')`.
 *
 * Concurrent calls share one set-up. A failed set-up is not cached: the next call tries again.
 *
 * @returns the selection when this call set a backend up, `null` when one was already active
 * @throws BackendInitError when the default backend cannot be initialised (e.g. the wasm binaries are missing)
 * @example
 * await ensureBackend(); // in Node with nothing set up: tfjs now runs on wasm
 * tf.getBackend(); // 'wasm'
 */
export function ensureBackend(): Promise<BackendSelection | null> {
  if (activeBackendName() !== null) return Promise.resolve(null);
  pending ??= initBackend(defaultBackendName()).finally(() => {
    pending = undefined;
  });
  return pending;
}
