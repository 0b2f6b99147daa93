import type { Command } from 'commander';
import { parseIntegerOption } from '../cliError.js';
import type { CommandContext } from '../commandContext.js';
import { loadCohortArg } from '../loadCohortArg.js';
import { addPipelineOptions, pipelineFromOptions, type PipelineCommandOptions } from '../pipelineOptions.js';

/** Registers `lymphomix train`: fit a configuration on a labelled cohort and save the model folder. */
export function registerTrain(program: Command, ctx: CommandContext): void {
  addPipelineOptions(program.command('train'))
    .description('train a configuration on a labelled cohort and save one model folder (manifest + weights)')
    .requiredOption('--data <dir>', 'labelled cohort folder in the challenge layout')
    .requiredOption('--out <dir>', 'the model folder to write')
    .option('--seed <s>', 'seed of the model', '0')
    .action(async (opts: PipelineCommandOptions & { data: string; out: string; seed: string }) => {
      const seed = parseIntegerOption('--seed', opts.seed, 0);
      const pipeline = await pipelineFromOptions(opts);
      const cohort = await loadCohortArg(opts.data);
      const bars = ctx.progressBars();
      const started = performance.now();
      try {
        await pipeline.fit(cohort.patients, { seed, onProgress: bars.listener });
        await pipeline.save(opts.out);
      } finally {
        bars.stop();
        pipeline.dispose();
      }
      const seconds = (performance.now() - started) / 1000;
      const images = cohort.patients.reduce((s, p) => s + p.images.length, 0);
      ctx.result(
        { command: 'train', data: opts.data, out: opts.out, model: pipeline.config.model.kind, patients: cohort.patients.length, images, seconds },
        `trained ${pipeline.config.model.kind} on ${cohort.patients.length} patients (${images} images) in ${seconds.toFixed(1)} s; saved ${opts.out}\n`,
      );
    });
}
