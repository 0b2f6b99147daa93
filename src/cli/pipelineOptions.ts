import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { LymphocytosisPipeline, PIPELINE_DECODERS, PIPELINE_PRESET_NAMES, type PipelineConfig, type PipelinePresetName } from '../pipeline/index.js';
import { CliError, parseIntegerOption } from './cliError.js';

/**
 * The `--config` value: a preset's name, or the path of a JSON file holding a `PipelineConfig`.
 * @param value - The option's value.
 * @returns The preset name or the parsed configuration.
 */
export async function loadConfigArg(value: string): Promise<PipelineConfig | PipelinePresetName> {
  if ((PIPELINE_PRESET_NAMES as readonly string[]).includes(value)) return value as PipelinePresetName;
  if (!value.endsWith('.json')) {
    throw new CliError(`--config must be a preset (${PIPELINE_PRESET_NAMES.join(', ')}) or a .json file, got '${value}'`, 'usage');
  }
  let text: string;
  try {
    text = await readFile(value, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read --config ${value}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    return JSON.parse(text) as PipelineConfig;
  } catch (error) {
    throw new CliError(`--config ${value} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The options every command that builds a pipeline takes (`--config`, `--cache`, `--workers`). */
export interface PipelineCommandOptions {
  config: string;
  cache: string;
  workers?: string;
}

/**
 * Adds `--config`, `--cache` and `--workers` to a command.
 * @param command - The command.
 * @returns The command.
 */
export function addPipelineOptions(command: Command): Command {
  return command
    .option('--config <preset|file.json>', `a preset (${PIPELINE_PRESET_NAMES.join(', ')}) or a configuration file`, 'default')
    .option('--cache <dir>', 'content-keyed feature cache', '.lymphomix-cache')
    .option('--workers <n>', 'feature-extraction worker threads (default: all cores)');
}

/**
 * The pipeline the options describe (a preset or a configuration file, the cache folder, the workers).
 * @param opts - The parsed options.
 * @returns A new pipeline; the caller disposes it.
 */
export async function pipelineFromOptions(opts: PipelineCommandOptions): Promise<LymphocytosisPipeline> {
  const workers = opts.workers === undefined ? undefined : parseIntegerOption('--workers', opts.workers, 0);
  return new LymphocytosisPipeline(await loadConfigArg(opts.config), { cacheDir: opts.cache, ...(workers === undefined ? {} : { workers }) });
}

/** The image decoder a command may name. */
export type DecoderName = (typeof PIPELINE_DECODERS)[number];

/**
 * Adds `--decoder` (commander checks the choice: anything else is a usage error naming the allowed values).
 * @param command - The command.
 * @returns The command.
 */
export function addDecoderOption(command: Command): Command {
  return command.addOption(new Option('--decoder <name>', 'image decoder').choices(PIPELINE_DECODERS).default('auto'));
}

/**
 * Adds `--shard I/N` and `--shards N` (see `resolveShard`).
 * @param command - The command.
 * @param what - What a shard does, for the help text (e.g. `'compute only shard I of N into the cache'`).
 * @returns The command.
 */
export function addShardOptions(command: Command, what: string): Command {
  return command
    .option('--shard <I/N>', `${what} (a job array: one shard per machine)`)
    .option('--shards <N>', 'N shards, this one from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID');
}
