/**
 * Raised when a model cannot be saved or loaded: missing `model.json` or weight shard, corrupted JSON,
 * weight shards whose size does not match the weight manifest, unreachable URL, unsupported artifacts.
 *
 * The message names the file or URL; `path` holds it and `cause` the underlying error when there is one.
 *
 * @example
 * try {
 *   await loadLayersModelFrom('models/resnet18');
 * } catch (e) {
 *   if (e instanceof ModelIoError) console.error(`cannot load ${e.path}: ${e.message}`);
 * }
 */
export class ModelIoError extends Error {
  /** The file, folder or URL at fault. */
  readonly path: string;

  /**
   * @param path - the file, folder or URL at fault
   * @param reason - what went wrong
   * @param options - `cause`: the underlying error
   */
  constructor(path: string, reason: string, options?: { cause?: unknown }) {
    super(`model ${path}: ${reason}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ModelIoError';
    this.path = path;
  }
}
