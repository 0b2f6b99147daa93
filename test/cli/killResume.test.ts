import { spawn } from 'node:child_process';
import { watch, type Dirent } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLikeDist } from '../helpers/buildLikeDist.js';

// kill -9 at several points of `lymphomix embed`, `cv` and `train` (the built CLI, child processes, a tiny synthetic
// cohort), then the same command again: it completes, redoes nothing that was finished, and gives the same result as an
// uninterrupted run. The kill points are chosen by watching the real files the runs write (cache entries, checkpoint
// entries, the model's temporary folder), never through a test-only hook.
//
// "Redoes nothing": every entry file present before a run (cache entries, fold checkpoints) still has its inode after
// it (a recomputed entry is written to a new file and renamed over the old one), and the final run's --json output
// counts them as cached / restored.

const repo = fileURLToPath(new URL('../../', import.meta.url));
const root = join(repo, 'node_modules', '.cache', 'lymphomix-kill-test');
const dist = join(root, 'dist');
const work = join(root, 'work');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs the built `lymphomix` in `work`; with `killWhen`, polls it every few ms and kills the process with SIGKILL as
 * soon as it returns true; with `killOnCreate`, kills it the moment a file or folder of that name appears in `work`
 * (inotify, no polling delay).
 */
async function lymphomix(args: string[], killWhen?: () => Promise<boolean>, killOnCreate?: RegExp): Promise<Run> {
  const watcher =
    killOnCreate === undefined
      ? undefined
      : watch(work, (_event, name) => {
          if (name !== null && killOnCreate.test(name)) child.kill('SIGKILL');
        });
  const child = spawn(process.execPath, [join(dist, 'cli', 'bin.js'), ...args], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let exited = false;
  const exit = new Promise<Run>((resolve) => {
    child.on('close', (code, signal) => {
      exited = true;
      resolve({ code, signal, stdout, stderr });
    });
  });
  if (killWhen !== undefined) {
    while (!exited) {
      if (await killWhen()) {
        child.kill('SIGKILL');
        break;
      }
      await sleep(3);
    }
  }
  const run = await exit;
  watcher?.close();
  return run;
}

/** Every file under `dir` whose name matches `pattern` (recursively), as paths relative to `dir`. */
async function files(dir: string, pattern: RegExp): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isFile() && pattern.test(e.name))
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

const ENTRY = /^[0-9a-f]{64}\.json$/;
const count = async (dir: string): Promise<number> => (await files(join(work, dir), ENTRY)).length;

/** The inode of every entry file under the folders. */
async function inodes(dirs: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const dir of dirs) for (const f of await files(join(work, dir), ENTRY)) out.set(join(dir, f), (await stat(join(work, dir, f))).ino);
  return out;
}

/** Every entry present before a run is the same file after it (not recomputed and rewritten). */
async function expectUntouched(before: Map<string, number>, dirs: string[], what: string): Promise<void> {
  const after = await inodes(dirs);
  for (const [file, ino] of before) expect(after.get(file), `${what}: ${file} rewritten`).toBe(ino);
}

/** Runs a command killed when `when` holds, checks it was killed and rewrote no finished entry. */
async function killAt(args: string[], dirs: string[], when: (() => Promise<boolean>) | RegExp, what: string): Promise<void> {
  const before = await inodes(dirs);
  const run = when instanceof RegExp ? await lymphomix(args, undefined, when) : await lymphomix(args, when);
  expect(run.signal, `${what}: not killed (exit ${run.code}) ${run.stderr.slice(-300)}`).toBe('SIGKILL');
  await expectUntouched(before, dirs, what);
}

const IMAGES = 47; // the cohort below

beforeAll(async () => {
  await rm(root, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  await buildLikeDist(
    {
      'cli/bin': join(repo, 'src/cli/bin.ts'),
      'features/batch/featureWorker': join(repo, 'src/features/batch/featureWorker.ts'),
      'models/backbones/embeddingWorker': join(repo, 'src/models/backbones/embeddingWorker.ts'),
    },
    dist,
    true,
  );
  const synth = await lymphomix(['synth', '--out', 'cohort', '--patients', '12', '--malignant', '0.5', '--images', '3-5', '--seed', '2']);
  expect(synth.stdout).toMatch(new RegExp(`wrote 12 patients \\(${IMAGES} images\\)`));
  // The mixture's linear scalar expert with enough epochs that a fit lasts long enough to be killed in the middle.
  await writeFile(
    join(work, 'slow.json'),
    JSON.stringify({
      features: { handmade: true, texture: false },
      backbone: null,
      model: {
        kind: 'mixture-of-experts',
        options: {
          mixture: { experts: ['scalar'], handmadeUnits: 0, scalarUnits: 0 },
          fit: { epochs: 300, batchSize: 4, learningRate: 0.01 },
          modelsPerFold: 1,
          validationFraction: 0,
        },
      },
    }),
  );
  // The same for `train`, with early stopping off and 600 epochs: one fit lasts ~2 s on an idle machine (with early
  // stopping, 300 epochs stop after ~0.5 s), so a kill 300 ms into it lands in the fit.
  const slow = JSON.parse(await readFile(join(work, 'slow.json'), 'utf8')) as { model: { options: { fit: Record<string, number> } } };
  slow.model.options.fit = { ...slow.model.options.fit, epochs: 600, patience: 100_000 };
  await writeFile(join(work, 'slow-train.json'), JSON.stringify(slow));
}, 240_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('kill -9 and resume, the built CLI', () => {
  it('embed: killed at 0, 1, 10 and 25 embedded images, rerun: nothing embedded twice, cache entries byte-identical to an uninterrupted run', async () => {
    const args = (cache: string): string[] => ['--json', 'embed', '--data', 'cohort', '--backbone', 'resnet18', '--input-size', '32', '--cache', cache, '--workers', '0', '--batch', '1'];
    let started = 0;
    await killAt(args('emb'), ['emb'], () => Promise.resolve(started++ > 30), 'embed while loading');
    expect(await count('emb')).toBe(0);
    for (const k of [1, 10, 25]) await killAt(args('emb'), ['emb'], async () => (await count('emb')) >= k, `embed after ${k}`);
    const done = await count('emb');
    expect(done).toBeGreaterThanOrEqual(25);
    expect(done).toBeLessThan(IMAGES);
    const before = await inodes(['emb']);
    const resumed = await lymphomix(args('emb'));
    expect(resumed.code, resumed.stderr).toBe(0);
    await expectUntouched(before, ['emb'], 'embed resumed');
    expect(JSON.parse(resumed.stdout)).toMatchObject({ images: IMAGES, embedded: IMAGES, cached: done, failed: 0 });

    const reference = await lymphomix(args('emb-ref'));
    expect(JSON.parse(reference.stdout)).toMatchObject({ embedded: IMAGES, cached: 0 });
    const entries = await files(join(work, 'emb'), ENTRY);
    expect(entries).toHaveLength(IMAGES);
    expect(await files(join(work, 'emb-ref'), ENTRY)).toEqual(entries);
    for (const f of entries) expect((await readFile(join(work, 'emb', f))).equals(await readFile(join(work, 'emb-ref', f))), f).toBe(true);
  }, 240_000);

  it('cv: killed during feature extraction and after 1 and 3 of 6 folds, rerun: finished folds read back, not fitted; the same metrics and out-of-fold predictions', async () => {
    const args = (out: string): string[] => ['--json', 'cv', '--config', 'slow.json', '--data', 'cohort', '--folds', '3', '--repeats', '2', '--seed', '1', '--cache', 'cv-cache', '--out', out, '--workers', '0'];
    const dirs = ['cv-cache', 'cv/checkpoints'];
    await killAt(args('cv'), dirs, async () => (await count('cv-cache')) >= 10, 'cv during features');
    expect(await count('cv/checkpoints')).toBe(0);
    for (const k of [1, 3]) await killAt(args('cv'), dirs, async () => (await count('cv/checkpoints')) >= k, `cv after ${k} folds`);
    const done = await count('cv/checkpoints');
    expect(done).toBeGreaterThanOrEqual(3);
    expect(done).toBeLessThan(6);
    const before = await inodes(dirs);
    const resumed = await lymphomix(args('cv'));
    expect(resumed.code, resumed.stderr).toBe(0);
    await expectUntouched(before, dirs, 'cv resumed');
    const summary = JSON.parse(resumed.stdout) as Record<string, unknown>;
    expect(summary.checkpoint).toMatchObject({ restored: done, computed: 6 - done, invalid: 0, written: 6 - done, warning: null });

    const reference = await lymphomix(args('cv-ref'));
    expect(reference.code, reference.stderr).toBe(0);
    const expected = JSON.parse(reference.stdout) as Record<string, unknown>;
    expect(expected.checkpoint).toMatchObject({ restored: 0, computed: 6 });
    for (const key of ['perFold', 'mean', 'sdOverFolds', 'sdOverRepeats', 'outOfFold']) expect(summary[key], key).toEqual(expected[key]);
    expect(await readFile(join(work, 'cv', 'cv-predictions.csv'), 'utf8')).toBe(await readFile(join(work, 'cv-ref', 'cv-predictions.csv'), 'utf8'));

    // --no-resume fits every fold again (and writes no checkpoint).
    const fresh = await lymphomix([...args('cv-fresh'), '--no-resume']);
    expect(fresh.code, fresh.stderr).toBe(0);
    expect((JSON.parse(fresh.stdout) as Record<string, unknown>).checkpoint).toBeNull();
    expect(await count('cv-fresh/checkpoints')).toBe(0);
  }, 300_000);

  it('train: killed during features, during the fit and while saving over a model, rerun: the same model; never a half-written model folder', async () => {
    const args = (out: string): string[] => ['--json', 'train', '--config', 'slow-train.json', '--data', 'cohort', '--cache', 'train-cache', '--out', out, '--workers', '0'];
    const predict = async (model: string): Promise<string> => {
      const run = await lymphomix(['predict', '--data', 'cohort', '--model', model, '--out', `preds-${model}.csv`, '--cache', 'train-cache', '--workers', '0']);
      expect(run.code, run.stderr).toBe(0);
      return (await readFile(join(work, `preds-${model}.csv`), 'utf8')) + (await readFile(join(work, `preds-${model}-details.csv`), 'utf8'));
    };
    const leftovers = async (): Promise<string[]> => (await readdir(work)).filter((n) => /^model\.(tmp|old)-/.test(n));
    await killAt(args('model'), ['train-cache'], async () => (await count('train-cache')) >= 10, 'train during features');
    // Killed while fitting: 300 ms after every feature is cached (the fit takes ~2 s; a fixed 1.5 s into the old
    // early-stopped fit was longer than the whole fit on an idle machine, and the run finished before the kill).
    let all: number | undefined;
    await killAt(
      args('model'),
      ['train-cache'],
      async () => {
        if (all === undefined && (await count('train-cache')) >= IMAGES) all = Date.now();
        return all !== undefined && Date.now() - all > 300;
      },
      'train during the fit',
    );
    await expect(stat(join(work, 'model'))).rejects.toThrow(/ENOENT/);
    const first = await lymphomix(args('model'));
    expect(first.code, first.stderr).toBe(0);
    const predictions = await predict('model');

    // Killed as the new model folder is being written beside the old one: the old one stays whole and loads.
    await killAt(args('model'), ['train-cache'], /^model\.tmp-/, 'train while saving');
    expect(await leftovers()).not.toEqual([]); // the half-written new folder, beside the old one
    expect(await predict('model')).toBe(predictions);
    // The next run completes and removes what the killed one left.
    const again = await lymphomix(args('model'));
    expect(again.code, again.stderr).toBe(0);
    expect(await leftovers()).toEqual([]);
    expect(await predict('model')).toBe(predictions);

    const reference = await lymphomix(args('model-ref'));
    expect(reference.code, reference.stderr).toBe(0);
    expect(await predict('model-ref')).toBe(predictions);

    // A folder that holds anything but a saved model is never replaced (it would be deleted): refused before the fit.
    await mkdir(join(work, 'notes'));
    await writeFile(join(work, 'notes', 'keep.txt'), 'mine');
    const refused = await lymphomix(args('notes'));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--out notes exists and holds other files than a saved model \(keep\.txt\)/);
    expect(await readFile(join(work, 'notes', 'keep.txt'), 'utf8')).toBe('mine');
  }, 300_000);
});
