import { boundMessage } from '../core/index.js';

/** Exit codes of the `lymphomix` command: 0 done, 1 failure, 2 usage error. */
export const EXIT_CODES = { done: 0, failure: 1, usage: 2 } as const;

/**
 * An error the CLI prints as one line (`lymphomix <command>: <message>`) and turns into an exit code:
 * `usage` for bad options and arguments (2), `failure` for everything that went wrong while running (1).
 */
export class CliError extends Error {
  /** The exit code the process ends with. */
  readonly exitCode: number;

  /**
   * @param message - One line that names the path, option or patient at fault (it is bounded in length).
   * @param kind - `'usage'` (exit 2) or `'failure'` (exit 1). Defaults to `'failure'`.
   */
  constructor(message: string, kind: 'usage' | 'failure' = 'failure') {
    super(boundMessage(message));
    this.name = 'CliError';
    this.exitCode = EXIT_CODES[kind];
  }
}

/**
 * Parses an option value as an integer within bounds, or throws a usage {@link CliError} naming the option.
 *
 * @param option - The option as the user typed it, e.g. `'--folds'`.
 * @param value - The raw value.
 * @param min - The least value allowed.
 * @returns The integer.
 */
export function parseIntegerOption(option: string, value: string, min: number): number {
  const n = Number(value);
  if (!/^\s*-?\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min) {
    throw new CliError(`${option} must be an integer ≥ ${min}, got '${boundMessage(value, 40)}'`, 'usage');
  }
  return n;
}
