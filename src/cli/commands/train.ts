import type { Command } from 'commander';
import { LymphocytosisPipeline } from '../../pipeline/index.js';
import { parseIntegerOption } from '../cliError.js';
import type { CommandContext } from '../commandContext.js';
import { loadCohortArg } from '../loadCohortArg.js';
import { loadConfigArg } from '../loadConfigArg.js';

/** Registers `lymphomix train`: fit a configuration on a labelled cohort and save the model folder. */
export function registerTrain(program: Command, ctx: CommandContext): void {
  program
    .command('train')
    .description('train a configuration on a labelled cohort and save one model folder (manifest + weights)')
    .requiredOption('--data <dir>', 'labelled cohort folder in the challenge layout')
    .requiredOption('--out <dir>', 'the model folder to write')
    .option('--config <preset|file.json>', 'a preset (default, challenge-report, metadata-only) or a configuration file', 'default')
    .option('--seed <s>', 'seed of the model', '0')
    .option('--cache <dir>', 'content-keyed feature cache', '.lymphomix-cache')
    .option('--workers <n>', 'feature-extraction worker threads (default: all cores)')
    .action(async (opts: { data: string; out: string; config: string; seed: string; cache: string; workers?: string }) => {
      const seed = parseIntegerOption('--seed', opts.seed, 0);
      const workers = opts.workers === undefined ? undefined : parseIntegerOption('--workers', opts.workers, 0);
      const config = await loadConfigArg(opts.config);
      const cohort = await loadCohortArg(opts.data);
      const pipeline = new LymphocytosisPipeline(config, { cacheDir: opts.cache, ...(workers === undefined ? {} : { workers }) });
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
