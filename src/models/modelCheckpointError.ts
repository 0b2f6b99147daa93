/**
 * Raised when a saved model cannot be restored: not a lymphomix checkpoint, an unknown format version, an invalid
 * configuration, weights missing, unexpected or of the wrong shape for the configuration, or weight bytes that do
 * not match the manifest or hold non-finite values (a corrupted file). The message says which.
 *
 * @example
 * ```ts
 * try {
 *   await loadMixtureOfExperts('models/fold0');
 * } catch (e) {
 *   if (e instanceof ModelCheckpointError) console.error(e.message);
 * }
 * ```
 */
export class ModelCheckpointError extends Error {
  /**
   * @param reason - What is wrong with the checkpoint.
   * @param options - `cause`: the underlying error.
   */
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`loadMixtureOfExperts: ${reason}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ModelCheckpointError';
  }
}
