import { createProgressBars, type CliIo, type ProgressBars } from './progressBars.js';

/** The global options every command shares. */
export interface GlobalOptions {
  /** Print machine-readable JSON on stdout instead of tables. */
  readonly json: boolean;
  /** No progress bars, no summary table (errors still go to stderr). */
  readonly quiet: boolean;
}

/** What a command needs from the program: where to write, the global options, bars. */
export interface CommandContext {
  readonly io: CliIo;
  /** The global options (read when the command runs). */
  options(): GlobalOptions;
  /** New progress bars on stderr (none with `--quiet` or `--json`). */
  progressBars(): ProgressBars;
  /**
   * Prints a command's result: `json` as one JSON line with `--json`, else `text` (unless `--quiet`).
   * @param json - The machine-readable result.
   * @param text - The human-readable summary.
   */
  result(json: unknown, text: string): void;
  /** Prints a warning line on stderr (unless `--quiet`). */
  warn(message: string): void;
}

/**
 * Creates the context of one CLI run.
 * @param io - Streams.
 * @param options - Reads the global options when called.
 * @returns The context.
 */
export function createCommandContext(io: CliIo, options: () => GlobalOptions): CommandContext {
  return {
    io,
    options,
    progressBars: () => createProgressBars(io, { quiet: options().quiet || options().json }),
    result: (json, text) => {
      if (options().json) io.out.write(`${JSON.stringify(json)}\n`);
      else if (!options().quiet) io.out.write(text);
    },
    warn: (message) => {
      if (!options().quiet) io.err.write(`warning: ${message}\n`);
    },
  };
}
