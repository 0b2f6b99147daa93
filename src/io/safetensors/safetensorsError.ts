/**
 * Raised when a safetensors file is malformed, truncated, hostile or asks for something unsupported,
 * and when a tensor cannot be serialized.
 *
 * The message names the source (file path, URL or given name), and where it applies the tensor and the
 * header field at fault (`dtype`, `shape`, `data_offsets`, `__metadata__`, …), so that a bad checkpoint can be
 * diagnosed without a hex editor. Parsing never throws anything else on any byte input.
 *
 * @example
 * try {
 *   parseSafetensors(bytes);
 * } catch (e) {
 *   if (e instanceof SafetensorsError) console.warn(e.tensor, e.field, e.message);
 * }
 */
export class SafetensorsError extends Error {
  /** The source name given to the parser (file path, URL, `<N bytes>`). */
  readonly source: string;
  /** The tensor at fault, when the problem belongs to one tensor. */
  readonly tensor: string | undefined;
  /** The header field at fault (`header length`, `dtype`, `shape`, `data_offsets`, `__metadata__`, …). */
  readonly field: string | undefined;

  /**
   * @param source - name of the file or buffer
   * @param reason - what went wrong
   * @param options - `tensor` and `field` at fault, `cause` the underlying error
   */
  constructor(source: string, reason: string, options: SafetensorsErrorOptions = {}) {
    const where =
      options.tensor !== undefined
        ? ` tensor ${JSON.stringify(options.tensor)}${options.field !== undefined ? ` field ${options.field}` : ''}`
        : options.field !== undefined
          ? ` ${options.field}`
          : '';
    super(
      `safetensors ${source}:${where} ${reason}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'SafetensorsError';
    this.source = source;
    this.tensor = options.tensor;
    this.field = options.field;
  }
}

/** Options of the {@link SafetensorsError} constructor. */
export interface SafetensorsErrorOptions {
  /** The tensor at fault. Defaults to none. */
  tensor?: string;
  /** The header field at fault. Defaults to none. */
  field?: string;
  /** The underlying error. Defaults to none. */
  cause?: unknown;
}
