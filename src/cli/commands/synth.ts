import type { Command } from 'commander';
import { writeSyntheticCohort } from '../../data/index.js';
import { CliError, parseIntegerOption } from '../cliError.js';
import type { CommandContext } from '../commandContext.js';

/** Registers `lymphomix synth`: write a seeded synthetic cohort in the challenge layout. */
export function registerSynth(program: Command, ctx: CommandContext): void {
  program
    .command('synth')
    .description('write a seeded synthetic cohort in the challenge layout (images, clinical CSV, ground-truth masks)')
    .requiredOption('--out <dir>', 'folder to write (created; existing files are replaced)')
    .option('--patients <n>', 'number of patients', '12')
    .option('--seed <s>', 'seed of the generator', '0')
    .option('--malignant <fraction>', 'fraction of malignant patients, in [0, 1] (default: the generator\'s)')
    .option('--images <min-max>', 'cells per patient, e.g. 8-16 (default: the generator\'s 16-48)')
    .option('--no-masks', 'do not write the ground-truth nucleus masks')
    .action(async (opts: { out: string; patients: string; seed: string; malignant?: string; images?: string; masks: boolean }) => {
      const patientCount = parseIntegerOption('--patients', opts.patients, 2);
      const seed = parseIntegerOption('--seed', opts.seed, 0);
      let imagesPerPatient: { min: number; max: number } | undefined;
      if (opts.images !== undefined) {
        const m = /^(\d+)-(\d+)$/.exec(opts.images.trim());
        if (m === null || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) throw new CliError(`--images must be min-max with 1 ≤ min ≤ max, got '${opts.images}'`, 'usage');
        imagesPerPatient = { min: Number(m[1]), max: Number(m[2]) };
      }
      const malignantFraction = opts.malignant === undefined ? undefined : Number(opts.malignant);
      if (malignantFraction !== undefined && !(malignantFraction >= 0 && malignantFraction <= 1)) {
        throw new CliError(`--malignant must be a fraction in [0, 1], got '${opts.malignant}'`, 'usage');
      }
      const bars = ctx.progressBars();
      const result = await writeSyntheticCohort(opts.out, {
        ...(malignantFraction === undefined ? {} : { malignantFraction }),
        patientCount,
        seed,
        masks: opts.masks,
        onProgress: bars.listener,
        ...(imagesPerPatient === undefined ? {} : { imagesPerPatient }),
      });
      bars.stop();
      ctx.result(
        { command: 'synth', out: opts.out, patients: result.patients, images: result.images, seed },
        `wrote ${result.patients} patients (${result.images} images) to ${opts.out}\n`,
      );
    });
}
