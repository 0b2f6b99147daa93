import { dirname, join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { createProgressReporter } from '../../core/index.js';
import { atomicWriteFile } from '../../io/bytes/index.js';
import { decodeImage, encodePng } from '../../io/image/index.js';
import { drawOverlay } from '../../report/index.js';
import { segmentNucleus } from '../../segmentation/index.js';
import { CliError } from '../cliError.js';
import { addDecoderOption, type DecoderName } from '../pipelineOptions.js';
import type { CommandContext } from '../commandContext.js';
import { listImageFiles } from '../listImageFiles.js';
import { formatTable } from '../summaryTable.js';

/** Registers `lymphomix segment`: nucleus segmentation overlays and masks of every image of a folder. */
export function registerSegment(program: Command, ctx: CommandContext): void {
  addDecoderOption(program.command('segment'))
    .description('segment the nucleus of every image under a folder: overlay PNGs, mask PNGs and segmentation.csv')
    .requiredOption('--data <dir>', 'folder of cell images (any depth; a cohort folder works)')
    .requiredOption('--out <dir>', 'output folder: overlays/, masks/, segmentation.csv')
    .action(async (opts: { data: string; out: string; decoder: DecoderName }) => {
      const images = await listImageFiles(opts.data, opts.out);
      if (images.length === 0) throw new CliError(`no image files under ${opts.data}`);
      const bars = ctx.progressBars();
      const report = createProgressReporter('segmentation', images.length, bars.listener);
      const rows: (string | number)[][] = [];
      const counts = new Map<string, number>();
      for (const [i, rel] of images.entries()) {
        let status: string;
        let error = '';
        let area: number | string = '';
        let threshold: number | string = '';
        try {
          const image = await decodeImage(join(opts.data, rel), { decoder: opts.decoder });
          const seg = segmentNucleus(image);
          status = seg.status;
          area = seg.measurements.area;
          threshold = seg.threshold;
          const overlay = drawOverlay(image, { nucleus: seg.nucleus, hull: seg.hull, roc: seg.roc });
          for (const [folder, picture] of [
            ['overlays', overlay],
            ['masks', seg.nucleus],
          ] as const) {
            const path = join(opts.out, folder, `${rel}.png`);
            await mkdir(dirname(path), { recursive: true });
            await atomicWriteFile(path, await encodePng(picture));
          }
        } catch (e) {
          status = 'error';
          error = e instanceof Error ? e.message : String(e);
        }
        counts.set(status, (counts.get(status) ?? 0) + 1);
        rows.push([rel, status, area, threshold, error]);
        report(i + 1, { source: rel, status });
      }
      bars.stop();
      await mkdir(opts.out, { recursive: true });
      await atomicWriteFile(join(opts.out, 'segmentation.csv'), stringify([['image', 'status', 'area', 'threshold', 'error'], ...rows]));
      const summary = Object.fromEntries(counts);
      ctx.result(
        { command: 'segment', out: opts.out, images: images.length, statuses: summary },
        formatTable([...counts].map(([status, n]) => ({ status, images: n }))) + `wrote ${opts.out}/overlays, ${opts.out}/masks and segmentation.csv\n`,
      );
    });
}
