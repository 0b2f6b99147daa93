import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ArgumentError } from '../../core/index.js';
import { atomicWriteFile } from '../../io/bytes/index.js';
import { htmlReport, type CvReportData } from '../../report/index.js';
import { CliError } from '../cliError.js';
import type { CommandContext } from '../commandContext.js';
import { formatTable } from '../summaryTable.js';

/** The parts of `cv-summary.json` the summary table reads (the HTML report reads the rest). */
interface CvSummary extends CvReportData {
  seconds: number;
  mean: Record<string, number>;
  sdOverRepeats: Record<string, number | null>;
  sdOverFolds: Record<string, number | null>;
}

/** Registers `lymphomix report`: the summary of a cross-validation folder written by `lymphomix cv`, and its report.html. */
export function registerReport(program: Command, ctx: CommandContext): void {
  program
    .command('report')
    .description('summarise a cross-validation folder written by lymphomix cv (per-fold table, mean ± sd) and (re)write its report.html')
    .requiredOption('--cv <dir>', 'the --out folder of lymphomix cv (holds cv-summary.json)')
    .action(async (opts: { cv: string }) => {
      const file = join(opts.cv, 'cv-summary.json');
      let summary: CvSummary;
      try {
        summary = JSON.parse(await readFile(file, 'utf8')) as CvSummary;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new CliError(`${file}: ${code === undefined ? 'not JSON' : `cannot read (${code})`}; run lymphomix cv --out ${opts.cv} first`);
      }
      if (!Array.isArray(summary.perFold) || typeof summary.mean !== 'object' || summary.mean === null) {
        throw new CliError(`${file}: not a lymphomix cv summary (no perFold or mean)`);
      }
      // JSON writes NaN (the sd of one repeat) as null.
      const sd = (key: string): string => {
        const v = (summary.repeats > 1 ? summary.sdOverRepeats : summary.sdOverFolds)[key];
        return typeof v === 'number' ? ` ± ${v.toFixed(3)}` : '';
      };
      const metrics = ['balancedAccuracy', 'auc', 'sensitivity', 'specificity'] as const;
      const html = join(opts.cv, 'report.html');
      let page: string;
      try {
        page = await htmlReport(summary);
      } catch (error) {
        if (error instanceof ArgumentError) throw new CliError(`${file}: ${error.message}`);
        throw error;
      }
      await atomicWriteFile(html, page);
      ctx.result(
        summary,
        formatTable(summary.perFold.map((f) => ({ repeat: f.repeat, fold: f.fold, patients: f.test, balancedAccuracy: f.balancedAccuracy, auc: f.auc, sensitivity: f.sensitivity, specificity: f.specificity }))) +
          `\n${summary.estimator}, ${summary.patients} patients, ${summary.folds} folds × ${summary.repeats} repeat(s), ${summary.seconds.toFixed(1)} s\n` +
          metrics.map((m) => `${m} ${typeof summary.mean[m] === 'number' ? summary.mean[m].toFixed(3) : 'n/a'}${sd(m)}`).join(', ') +
          ` (± sd over ${summary.repeats > 1 ? 'repeats' : 'folds'})\n` +
          `wrote ${html}\n`,
      );
    });
}
