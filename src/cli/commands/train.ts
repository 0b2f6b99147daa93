import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { LymphocytosisPipeline } from '../../pipeline/index.js';
import { CliError, parseIntegerOption } from '../cliError.js';
import type { CommandContext } from '../commandContext.js';
import { loadCohortArg } from '../loadCohortArg.js';
import { addPipelineOptions, pipelineFromOptions, type PipelineCommandOptions } from '../pipelineOptions.js';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the `<name>.tmp-<pid>-*` / `<name>.old-<pid>-*` folders that a killed `train` of this machine left beside `out`. */
async function removeLeftovers(out: string): Promise<void> {
  const pattern = new RegExp(`^${basename(out).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(?:tmp|old)-(\\d+)-[0-9a-z]+$`);
  let names: string[];
  try {
    names = await readdir(dirname(out));
  } catch {
    return;
  }
  for (const name of names) {
    const match = pattern.exec(name);
    if (match !== null && !isRunning(Number(match[1]))) await rm(join(dirname(out), name), { recursive: true, force: true });
  }
}

/** What a saved model folder holds (`LymphocytosisPipeline.save`): only such a folder is ever replaced. */
const MODEL_FOLDER_ENTRIES = new Set(['lymphomix-pipeline.json', 'model']);

/**
 * Refuses an `--out` that exists and is not a model folder (a file, or a folder with anything but a saved model in
 * it): replacing it as a whole would delete what the user keeps there. Called before the fit, so nothing is wasted.
 */
export async function checkModelFolderTarget(out: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(out);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    throw new CliError(`--out ${out} cannot be used as the model folder (${code ?? String(error)})`);
  }
  const other = names.filter((n) => !MODEL_FOLDER_ENTRIES.has(n));
  if (other.length > 0) {
    throw new CliError(
      `--out ${out} exists and holds other files than a saved model (${other.slice(0, 3).join(', ')}${other.length > 3 ? ', …' : ''}); it would be replaced as a whole: give a new or empty folder, or a model folder`,
    );
  }
}

/**
 * Saves the pipeline as the folder `out` atomically: into a temporary folder beside it, then renamed into place (an
 * existing model is moved aside first and removed after), so a kill at any moment leaves either the previous folder,
 * the new complete one, or (killed between the two renames) no folder at `out`, never a half-written model.
 */
export async function saveModelFolderAtomically(pipeline: LymphocytosisPipeline, out: string): Promise<void> {
  const target = resolve(out);
  await mkdir(dirname(target), { recursive: true });
  await removeLeftovers(target);
  const suffix = `${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  const tmp = `${target}.tmp-${suffix}`;
  try {
    await pipeline.save(tmp);
    const exists = await stat(target).then(
      () => true,
      () => false,
    );
    if (exists) {
      const old = `${target}.old-${suffix}`;
      await rename(target, old);
      await rename(tmp, target);
      await rm(old, { recursive: true, force: true });
    } else await rename(tmp, target);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
}

/** Registers `lymphomix train`: fit a configuration on a labelled cohort and save the model folder. */
export function registerTrain(program: Command, ctx: CommandContext): void {
  addPipelineOptions(program.command('train'))
    .description('train a configuration on a labelled cohort and save one model folder (manifest + weights), written atomically')
    .requiredOption('--data <dir>', 'labelled cohort folder in the challenge layout')
    .requiredOption('--out <dir>', 'the model folder to write: new, empty, or a model folder, replaced as a whole once the new model is complete')
    .option('--seed <s>', 'seed of the model', '0')
    .action(async (opts: PipelineCommandOptions & { data: string; out: string; seed: string }) => {
      const seed = parseIntegerOption('--seed', opts.seed, 0);
      await checkModelFolderTarget(opts.out);
      const pipeline = await pipelineFromOptions(opts);
      const cohort = await loadCohortArg(opts.data);
      const bars = ctx.progressBars();
      const started = performance.now();
      try {
        await pipeline.fit(cohort.patients, { seed, onProgress: bars.listener });
        await saveModelFolderAtomically(pipeline, opts.out);
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
