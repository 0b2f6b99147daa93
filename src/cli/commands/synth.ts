import type { Command } from 'commander';
import { writeSyntheticCohort } from '../../data/index.js';
import { parseIntegerOption } from '../cliError.js';
import type { CommandContext } from '../commandContext.js';

/** Registers `lymphomix synth`: write a seeded synthetic cohort in the challenge layout. */
export function registerSynth(program: Command, ctx: CommandContext): void {
  program
    .command('synth')
    .description('write a seeded synthetic cohort in the challenge layout (images, clinical CSV, ground-truth masks)')
    .requiredOption('--out <dir>', 'folder to write (created; existing files are replaced)')
    .option('--patients <n>', 'number of patients', '12')
    .option('--seed <s>', 'seed of the generator', '0')
    .option('--no-masks', 'do not write the ground-truth nucleus masks')
    .action(async (opts: { out: string; patients: string; seed: string; masks: boolean }) => {
      const patientCount = parseIntegerOption('--patients', opts.patients, 2);
      const seed = parseIntegerOption('--seed', opts.seed, 0);
      const bars = ctx.progressBars();
      const result = await writeSyntheticCohort(opts.out, { patientCount, seed, masks: opts.masks, onProgress: bars.listener });
      bars.stop();
      ctx.result(
        { command: 'synth', out: opts.out, patients: result.patients, images: result.images, seed },
        `wrote ${result.patients} patients (${result.images} images) to ${opts.out}\n`,
      );
    });
}
