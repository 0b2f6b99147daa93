import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { arch, cpus, platform, totalmem } from 'node:os';
import type { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { describeBackend } from '../../backend/index.js';
import { atomicWriteFile } from '../../io/bytes/index.js';
import { openFolderCheckpointStore } from '../../training/index.js';
import { decodeImage } from '../../io/image/index.js';
import { cellGallery, cvOutOfFold, cvPerFold, htmlReport, type CellGalleryCandidate, type CvGallery, type CvReportData, type CvReportHardware } from '../../report/index.js';
import { parseIntegerOption } from '../cliError.js';
import type { CommandContext } from '../commandContext.js';
import { loadCohortArg } from '../loadCohortArg.js';
import { addPipelineOptions, pipelineFromOptions, type PipelineCommandOptions } from '../pipelineOptions.js';
import { formatTable } from '../summaryTable.js';

/** Registers `lymphomix cv`: repeated stratified K-fold cross-validation of a configuration on a labelled cohort. */
export function registerCv(program: Command, ctx: CommandContext): void {
  addPipelineOptions(program.command('cv'))
    .description('cross-validate a configuration on a labelled cohort: per-fold metrics, out-of-fold predictions, cv-summary.json, report.html')
    .requiredOption('--data <dir>', 'labelled cohort folder in the challenge layout')
    .option('--folds <k>', 'folds', '5')
    .option('--repeats <r>', 'reshuffles of the folds', '1')
    .option('--seed <s>', 'seed of the folds and models', '0')
    .option('--out <dir>', 'where to write cv-summary.json, cv-predictions.csv and report.html', 'lymphomix-cv')
    .option('--no-resume', 'fit every fold again (by default each finished fold is kept in <out>/checkpoints and a rerun reads it back)')
    .action(async (opts: PipelineCommandOptions & { data: string; folds: string; repeats: string; seed: string; out: string; resume: boolean }) => {
      const folds = parseIntegerOption('--folds', opts.folds, 2);
      const repeats = parseIntegerOption('--repeats', opts.repeats, 1);
      const seed = parseIntegerOption('--seed', opts.seed, 0);
      const pipeline = await pipelineFromOptions(opts);
      const cohort = await loadCohortArg(opts.data);
      const bars = ctx.progressBars();
      const started = performance.now();
      let cv;
      try {
        const checkpoint = opts.resume ? await openFolderCheckpointStore(join(opts.out, 'checkpoints')) : undefined;
        cv = await pipeline.crossValidate(cohort.patients, { folds, repeats, seed, onProgress: bars.listener, ...(checkpoint === undefined ? {} : { checkpoint }) });
      } finally {
        bars.stop();
        pipeline.dispose();
      }
      const seconds = (performance.now() - started) / 1000;
      const { result } = cv;
      await mkdir(opts.out, { recursive: true });
      const byId = new Map(cohort.patients.map((p) => [p.id, p]));
      // The gallery: the first repeat's out-of-fold weight of each image that entered the model (the image branch's
      // attention, else the handmade branch's or the per-cell expert's), matched to the images by their usable order.
      let gallery: CvGallery | undefined;
      const first = result.repeats[0]?.outOfFold;
      const weights = first?.attention?.['image'] ?? first?.attention?.['handmade'] ?? null;
      if (first !== undefined && weights !== null) {
        const index = new Map(cohort.patients.map((p, i) => [p.id, i]));
        const candidates: CellGalleryCandidate[] = [];
        cv.patients.forEach((id, j) => {
          const records = cv.images[index.get(id) ?? -1];
          const w = weights[j];
          if (records === undefined || w === undefined || w === null) return;
          const usable = records.filter((r) => pipeline.isUsable(r));
          if (usable.length !== w.length) return;
          candidates.push({ id, label: byId.get(id)?.label === 1 ? 1 : 0, probability: first.probability[j]!, images: usable.map((r, k) => ({ source: r.source, weight: w[k]! })) });
        });
        try {
          gallery = await cellGallery(candidates, {
            // The per-cell expert's weights are its cells' probabilities, a mixture's are attention weights.
            measure: !first.attention?.['image'] && result.estimator.startsWith('cell-scores') ? 'cell probability' : 'attention',
            threshold: pipeline.config.threshold,
            decode: (source) => decodeImage(source, { decoder: pipeline.config.features.decoder }),
          });
        } catch (error) {
          ctx.warn(`no cell gallery in the report (${error instanceof Error ? error.message : String(error)})`);
        }
      }
      const cores = cpus();
      const hardware: CvReportHardware = {
        platform: platform(),
        arch: arch(),
        cpu: cores[0]?.model.trim() ?? 'unknown',
        cores: cores.length,
        memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
        node: process.version,
        ...(await describeBackend().then(
          (b) => ({ backend: b.name }),
          () => ({}),
        )),
      };
      const summary = {
        command: 'cv',
        data: opts.data,
        config: pipeline.config,
        estimator: result.estimator,
        patients: cv.patients.length,
        folds,
        repeats,
        seed,
        seconds,
        mean: result.mean,
        sdOverRepeats: result.sdOverRepeats,
        sdOverFolds: result.sdOverFolds,
        checkpoint: result.checkpoint ?? null,
        hardware,
        perFold: cvPerFold(result),
        outOfFold: cvOutOfFold(result, {
          patients: cv.patients,
          labels: cv.patients.map((id) => byId.get(id)?.label ?? 0),
          lymphCount: cv.patients.map((id) => byId.get(id)?.lymphCount ?? null),
        }),
        ...(gallery === undefined ? {} : { gallery }),
      };
      await atomicWriteFile(join(opts.out, 'cv-summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
      // Through JSON, as `lymphomix report` reads it back (NaN becomes null).
      await atomicWriteFile(join(opts.out, 'report.html'), await htmlReport(JSON.parse(JSON.stringify(summary)) as CvReportData));
      const oofRows = result.repeats.flatMap((r) =>
        cv.patients.map((id, i) => [
          r.repeat,
          id,
          cohort.patients.find((p) => p.id === id)?.label ?? '',
          r.outOfFold.probability[i]!,
          r.outOfFold.gate?.[i] ?? '',
          r.outOfFold.lymphCount?.[i] ?? '',
        ]),
      );
      await atomicWriteFile(join(opts.out, 'cv-predictions.csv'), stringify([['repeat', 'patient', 'label', 'probability', 'gate', 'lymphCount'], ...oofRows]));
      const fmt = (m: number, s: number): string => (Number.isNaN(s) ? m.toFixed(3) : `${m.toFixed(3)} ± ${s.toFixed(3)}`);
      ctx.result(
        summary,
        formatTable(
          result.folds.map((f) => ({
            repeat: f.repeat,
            fold: f.fold,
            patients: f.test.length,
            balancedAccuracy: f.metrics.balancedAccuracy,
            auc: f.metrics.auc,
            sensitivity: f.metrics.sensitivity,
            specificity: f.metrics.specificity,
          })),
        ) +
          `\n${result.estimator}, ${cv.patients.length} patients, ${folds} folds × ${repeats} repeat(s), ${seconds.toFixed(1)} s\n` +
          `balanced accuracy ${fmt(result.mean.balancedAccuracy, repeats > 1 ? result.sdOverRepeats.balancedAccuracy : result.sdOverFolds.balancedAccuracy)}, ` +
          `AUC ${fmt(result.mean.auc, repeats > 1 ? result.sdOverRepeats.auc : result.sdOverFolds.auc)} ` +
          `(± sd over ${repeats > 1 ? 'repeats' : 'folds'})\n` +
          `wrote ${join(opts.out, 'cv-summary.json')}, cv-predictions.csv and report.html\n`,
      );
    });
}
