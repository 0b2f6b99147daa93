import { boundMessage } from '../core/index.js';

/** A saved pipeline folder that cannot be loaded: its manifest is missing, malformed, or does not match this library. */
export class PipelineManifestError extends Error {
  /** The manifest file (path or URL). */
  readonly file: string;

  /**
   * @param file - The manifest's path or URL.
   * @param message - What differs or is wrong (bounded in length).
   */
  constructor(file: string, message: string) {
    super(boundMessage(`${file}: ${message}`));
    this.name = 'PipelineManifestError';
    this.file = file;
  }
}
