import { dirname, join, basename } from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { atomicWriteFile } from '../../io/bytes/index.js';
import { LymphocytosisPipeline, PipelineManifestError } from '../../pipeline/index.js';
import { CliError, parseIntegerOption } from '../cliError.js';
import type { CommandContext } from '../commandContext.js';
import { loadCohortArg } from '../loadCohortArg.js';
import { formatTable } from '../summaryTable.js';

/**
 * Registers `lymphomix predict`: a saved model on a cohort folder, labels never read; writes the challenge's
 * submission CSV (`ID,Predicted`) and a details CSV (probability, π, experts, predicted count).
 */
export function registerPredict(program: Command, ctx: CommandContext): void {
  program
    .command('predict')
    .description("predict a cohort folder with a saved model (labels are never read): submission CSV 'ID,Predicted' + details CSV")
    .requiredOption('--data <dir>', 'cohort folder in the challenge layout (a LABEL column is ignored)')
    .requiredOption('--model <dir>', 'model folder written by lymphomix train')
    .requiredOption('--out <file.csv>', 'the submission CSV to write; details go beside it as <name>-details.csv')
    .option('--cache <dir>', 'content-keyed feature cache', '.lymphomix-cache')
    .option('--workers <n>', 'feature-extraction worker threads (default: all cores)')
    .action(async (opts: { data: string; model: string; out: string; cache: string; workers?: string }) => {
      const workers = opts.workers === undefined ? undefined : parseIntegerOption('--workers', opts.workers, 0);
      let pipeline: LymphocytosisPipeline;
      try {
        pipeline = await LymphocytosisPipeline.load(opts.model, { cacheDir: opts.cache, ...(workers === undefined ? {} : { workers }) });
      } catch (error) {
        if (error instanceof PipelineManifestError) throw new CliError(`--model ${error.message}`);
        throw error;
      }
      const cohort = await loadCohortArg(opts.data);
      // Labels are stripped before anything sees the patients: predict never reads them.
      const patients = cohort.patients.map(({ label: _label, ...patient }) => patient);
      const bars = ctx.progressBars();
      let predictions;
      try {
        predictions = await pipeline.predict(patients, { onProgress: bars.listener });
      } finally {
        bars.stop();
        pipeline.dispose();
      }
      const details = join(dirname(opts.out), `${basename(opts.out).replace(/\.csv$/i, '')}-details.csv`);
      await mkdir(dirname(opts.out), { recursive: true });
      await atomicWriteFile(opts.out, stringify([['ID', 'Predicted'], ...predictions.map((p) => [p.id, p.label])]));
      const expertNames = [...new Set(predictions.flatMap((p) => Object.keys(p.experts)))];
      await atomicWriteFile(
        details,
        stringify([
          ['ID', 'probability', 'label', 'gate', ...expertNames.map((e) => `expert.${e}`), 'predictedLymphCount', 'images', 'usableImages'],
          ...predictions.map((p) => [
            p.id,
            p.probability,
            p.label,
            p.gate ?? '',
            ...expertNames.map((e) => p.experts[e] ?? ''),
            p.lymphCount ?? '',
            p.images.length,
            p.images.filter((i) => i.status === 'ok').length,
          ]),
        ]),
      );
      const failed = predictions.filter((p) => Number.isNaN(p.probability)).map((p) => p.id);
      for (const id of failed) ctx.warn(`patient ${id} has no usable image: predicted reactive (0) by default`);
      const malignant = predictions.filter((p) => p.label === 1).length;
      ctx.result(
        { command: 'predict', data: opts.data, model: opts.model, out: opts.out, details, patients: predictions.length, malignant, withoutUsableImage: failed },
        formatTable([{ patients: predictions.length, malignant, reactive: predictions.length - malignant, withoutUsableImage: failed.length }]) +
          `wrote ${opts.out} and ${details}\n`,
      );
    });
}
