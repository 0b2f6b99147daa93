import { readFile } from 'node:fs/promises';
import { PIPELINE_PRESET_NAMES, type PipelineConfig, type PipelinePresetName } from '../pipeline/index.js';
import { CliError } from './cliError.js';

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
