import { boundMessage } from '../../core/index.js';

/**
 * A cohort could not be loaded: no or several candidate CSV files, a missing column, or (with
 * `onInvalidRow: 'error'`, the default) an invalid row. The message names the function, the file and the line, and is bounded in length.
 */
export class CohortError extends Error {
  /** The CSV file or folder concerned. */
  readonly file: string;
  /** 1-based line of the offending CSV row, when the error is about a row. */
  readonly line: number | undefined;

  constructor(message: string, file: string, line?: number) {
    super(boundMessage(message));
    this.name = 'CohortError';
    this.file = file;
    this.line = line;
  }
}
