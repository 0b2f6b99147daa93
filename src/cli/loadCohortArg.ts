import { loadCohort, type Cohort } from '../data/index.js';
import { CliError } from './cliError.js';

/**
 * Loads the cohort folder given to `--data`, turning any loader error into a one-line {@link CliError} that names
 * the folder (the loader's own message names the file and row).
 *
 * @param dir - The folder in the challenge layout (patient folders and a clinical CSV).
 * @returns The cohort.
 */
export async function loadCohortArg(dir: string): Promise<Cohort> {
  try {
    const cohort = await loadCohort(dir);
    if (cohort.patients.length === 0) throw new Error('no patient with images');
    return cohort;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CliError(message.includes(dir) ? message : `${dir}: ${message}`);
  }
}
