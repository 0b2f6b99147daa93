/**
 * Thrown by {@link initBackend} when a backend cannot be set up; the message names the backend and the cause, and
 * `cause` holds the underlying error when there is one.
 *
 * @example
 * try {
 *   await initBackend('tensorflow');
 * } catch (e) {
 *   if (e instanceof BackendInitError) console.log(e.backend, e.message);
 * }
 */
export class BackendInitError extends Error {
  /** The backend that failed, e.g. `'webgpu'`. */
  readonly backend: string;

  constructor(backend: string, message: string, options?: { cause?: unknown }) {
    super(`initBackend('${backend}'): ${message}`, options);
    this.name = 'BackendInitError';
    this.backend = backend;
  }
}

/** The message of an unknown thrown value (tfjs and emscripten sometimes reject with plain objects). */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'object' && e !== null && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}
