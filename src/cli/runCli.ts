import { Command, CommanderError } from 'commander';
import { boundMessage } from '../core/index.js';
import { LIBRARY_VERSION } from '../version.js';
import { CliError, EXIT_CODES } from './cliError.js';
import { createCommandContext, type GlobalOptions } from './commandContext.js';
import { registerCv } from './commands/cv.js';
import { registerEmbed } from './commands/embed.js';
import { registerFeatures } from './commands/features.js';
import { registerPredict } from './commands/predict.js';
import { registerReport } from './commands/report.js';
import { registerSegment } from './commands/segment.js';
import { registerSynth } from './commands/synth.js';
import { registerTrain } from './commands/train.js';
import type { CliIo } from './progressBars.js';

/** The package version. */
const VERSION = LIBRARY_VERSION;

/**
 * Runs the `lymphomix` command line.
 *
 * Exit codes: 0 done, 1 failure (a bad path, a bad CSV, a model folder that does not match …), 2 usage (an unknown
 * command or option, a malformed value). Errors are one line on stderr: `lymphomix <command>: <message>`.
 *
 * @param argv - The arguments after `node` and the script (e.g. `['cv', '--data', 'trainset']`).
 * @param io - Streams. Defaults to the process's stdout and stderr.
 * @returns The exit code.
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2));
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo = { out: process.stdout, err: process.stderr }): Promise<number> {
  const program = new Command('lymphomix');
  let current = '';
  program
    .description('Malignant vs reactive lymphocytosis from blood-smear cell images and clinical data')
    .version(VERSION)
    .option('--json', 'machine-readable JSON on stdout', false)
    .option('--quiet', 'no progress bars and no summary', false)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out.write(s),
      writeErr: (s) => io.err.write(s),
      outputError: (s, write) => write(`lymphomix${current === '' ? '' : ` ${current}`}: ${s.replace(/^error: /, '')}`),
    })
    .hook('preAction', (_program, action) => {
      current = action.name();
    });
  const ctx = createCommandContext(io, () => program.opts<GlobalOptions>());
  registerSynth(program, ctx);
  registerSegment(program, ctx);
  registerFeatures(program, ctx);
  registerEmbed(program, ctx);
  registerCv(program, ctx);
  registerTrain(program, ctx);
  registerPredict(program, ctx);
  registerReport(program, ctx);
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_CODES.done;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with exit code 0; everything else commander throws is a usage error.
      return error.exitCode === 0 ? EXIT_CODES.done : EXIT_CODES.usage;
    }
    const exitCode = error instanceof CliError ? error.exitCode : EXIT_CODES.failure;
    const message = error instanceof Error ? error.message : String(error);
    io.err.write(`lymphomix${current === '' ? '' : ` ${current}`}: ${boundMessage(message.split('\n')[0] ?? message)}\n`);
    return exitCode;
  }
}
