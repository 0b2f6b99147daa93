import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { aggregateFeatures, FEATURE_NAMES } from '../../features/index.js';
import { atomicWriteFile } from '../../io/bytes/index.js';
import { featurizePatients, resolvePipelineConfig, type PipelinePatient } from '../../pipeline/index.js';
import { CliError, parseIntegerOption } from '../cliError.js';
import { addDecoderOption, addShardOptions, type DecoderName } from '../pipelineOptions.js';
import type { CommandContext } from '../commandContext.js';
import { loadCohortArg } from '../loadCohortArg.js';
import { resolveShard, shardItems } from '../shard.js';
import { formatTable } from '../summaryTable.js';

/** The options `features` and `embed` share. */
export interface FeatureCommandOptions {
  data: string;
  out?: string;
  cache: string;
  workers?: string;
  decoder: DecoderName;
  shard?: string;
  shards?: string;
}

/** Registers `lymphomix features`: handmade features of every image of a cohort, per image and per patient. */
export function registerFeatures(program: Command, ctx: CommandContext): void {
  addShardOptions(addDecoderOption(program.command('features')), 'compute only shard I of N into the cache')
    .description('handmade features of every image of a cohort (cached by content): features-per-image.csv and patient-features.csv')
    .requiredOption('--data <dir>', 'cohort folder in the challenge layout')
    .option('--out <dir>', 'where to write the CSVs (not needed with --shard)')
    .option('--cache <dir>', 'content-keyed feature cache (shared by shards, cv, train, predict)', '.lymphomix-cache')
    .option('--workers <n>', 'worker threads (default: all cores)')
    .action(async (opts: FeatureCommandOptions) => {
      const shard = resolveShard(opts.shard, opts.shards);
      if (shard.count === 1 && opts.out === undefined) throw new CliError('--out <dir> is needed (the CSVs are written there)', 'usage');
      const workers = opts.workers === undefined ? undefined : parseIntegerOption('--workers', opts.workers, 0);
      const cohort = await loadCohortArg(opts.data);
      const config = resolvePipelineConfig({ features: { decoder: opts.decoder } });
      const flat = cohort.patients.flatMap((p, i) => p.images.map((image) => ({ patient: i, image })));
      const mine = shardItems(flat, shard);
      const patients: PipelinePatient[] = cohort.patients
        .map((p, i) => ({ id: p.id, age: p.age, lymphCount: p.lymphCount, images: mine.filter((m) => m.patient === i).map((m) => m.image) }))
        .filter((p) => p.images.length > 0);
      const bars = ctx.progressBars();
      const { images: records } = await featurizePatients(patients, config, {
        cacheDir: opts.cache,
        onProgress: bars.listener,
        ...(workers === undefined ? {} : { workers }),
      });
      bars.stop();
      const statuses = new Map<string, number>();
      for (const r of records.flat()) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      const cached = records.flat().filter((r) => r.cached).length;
      const summary = { command: 'features', images: mine.length, cached, shard: `${shard.index}/${shard.count}`, statuses: Object.fromEntries(statuses), cache: opts.cache };
      if (opts.out !== undefined && shard.count === 1) {
        await mkdir(opts.out, { recursive: true });
        const perImage = patients.flatMap((p, i) =>
          records[i]!.map((r) => [p.id!, r.source, r.status, ...FEATURE_NAMES.map((n) => r.features?.[n] ?? ''), r.error ?? '']),
        );
        await atomicWriteFile(join(opts.out, 'features-per-image.csv'), stringify([['patient', 'image', 'status', ...FEATURE_NAMES, 'error'], ...perImage]));
        const aggregated = aggregateFeatures(
          patients.flatMap((p, i) => records[i]!.map((r) => ({ patient: p.id!, status: r.status, features: r.features }))),
          { names: FEATURE_NAMES, patients: patients.map((p) => p.id!) },
        );
        const byId = new Map(cohort.patients.map((p) => [p.id, p]));
        const perPatient = aggregated.patients.map((row) => {
          const p = byId.get(row.patient)!;
          return [row.patient, p.label ?? '', p.age, p.lymphCount, row.images, row.usable, ...aggregated.columns.map((c) => row.features?.[c] ?? '')];
        });
        await atomicWriteFile(
          join(opts.out, 'patient-features.csv'),
          stringify([['patient', 'label', 'age', 'lymphCount', 'images', 'usable', ...aggregated.columns], ...perPatient]),
        );
      }
      ctx.result(
        summary,
        formatTable([...statuses].map(([status, images]) => ({ status, images }))) +
          (shard.count > 1 ? `shard ${shard.index}/${shard.count}: ${mine.length} images into ${opts.cache}\n` : `wrote ${opts.out}/features-per-image.csv and patient-features.csv\n`),
      );
    });
}
