/**
 * Raised when an image cannot be read or decoded: missing, empty, truncated or corrupt files,
 * files that are not images, unsupported formats or colour models.
 *
 * The message names the source (a file path, a URL, or the `name` given to the decoder) so that
 * one bad file in a folder of thousands can be found; `source` holds that name and `cause`
 * the underlying error (from the file system, `fetch`, jimp or sharp) when there is one.
 *
 * @example
 * try {
 *   await decodeImage('P0/broken.jpg');
 * } catch (e) {
 *   if (e instanceof ImageDecodeError) console.warn(`skipping ${e.source}: ${e.message}`);
 *   else throw e;
 * }
 */
export class ImageDecodeError extends Error {
  /** The name of the image source: a file path, a URL, or a given name. */
  readonly source: string;

  /**
   * @param source - name of the source (file path, URL or given name)
   * @param reason - what went wrong, e.g. "empty file (0 bytes)"
   * @param options - `cause`: the underlying error
   */
  constructor(source: string, reason: string, options?: { cause?: unknown }) {
    super(`cannot decode image ${source}: ${reason}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ImageDecodeError';
    this.source = source;
  }
}

/** The message of an unknown thrown value, for wrapping into an {@link ImageDecodeError}. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
