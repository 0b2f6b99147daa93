/**
 * cli: the `lymphomix` command line (top layer): subcommands over the pipeline, progress bars, summary tables.
 * @module
 */
export { runCli } from './runCli.js';
export { CliError, EXIT_CODES } from './cliError.js';
export type { CliIo } from './progressBars.js';
