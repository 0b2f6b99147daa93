import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticCohort } from '../../src/data/index.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const tsx = join(repo, 'node_modules', '.bin', 'tsx');

/** Runs `npx tsx examples/accuracy-study.ts <args>` as a user does; resolves with the exit code and both streams. */
function runExample(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(tsx, [join('examples', 'accuracy-study.ts'), ...args], { cwd: repo, timeout: 50_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The number printed after `label` in a line, e.g. 0.7 for `balanced accuracy 0.700`. */
function numberAfter(text: string, label: string): number {
  const m = new RegExp(`${label} (-?[0-9.]+|NaN)`).exec(text);
  expect(m, `"${label}" in:\n${text}`).not.toBeNull();
  return Number(m![1]);
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lymphomix-accuracy-study-'));
  await writeSyntheticCohort(join(root, 'cohort'), { patientCount: 12, seed: 3, malignantFraction: 0.5, imagesPerPatient: { min: 3, max: 5 }, render: { size: 96 } });
}, 60_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('examples/accuracy-study', () => {
  it('cross-validates the per-cell expert over two reshuffles and prints balanced accuracy and AUC in [0, 1]; a rerun reads the cache', async () => {
    const cohort = join(root, 'cohort');
    const cache = join(root, 'cache');
    const run = await runExample([cohort, cache, '--seeds', '0,1', '--inner-folds', '2']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^12 patients \(6 malignant\), \d+ cells, \d+ images without a nucleus$/m);
    expect(run.stdout).toContain('cell-scores(logistic(C=0.1), mean), 51 values per cell');
    const lines = run.stdout.split('\n');
    for (const seed of [0, 1]) {
      const line = lines.find((l) => l.startsWith(`reshuffle ${seed}: `));
      expect(line, run.stdout).toBeDefined();
      for (const label of ['balanced accuracy', 'AUC', 'cells-only', 'metadata-only']) {
        const v = numberAfter(line!, label);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
    }
    const summary = /^seeds 0,1: balanced accuracy ([0-9.]+) ± ([0-9.]+), AUC ([0-9.]+) ± ([0-9.]+)/m.exec(run.stdout);
    expect(summary, run.stdout).not.toBeNull();
    const [mean, sd, auc] = [Number(summary![1]), Number(summary![2]), Number(summary![3])];
    for (const v of [mean, auc]) expect(v >= 0 && v <= 1).toBe(true);
    expect(sd >= 0 && sd <= 1).toBe(true);
    // The mean is that of the two reshuffles' figures.
    const perSeed = [0, 1].map((s) => numberAfter(lines.find((l) => l.startsWith(`reshuffle ${s}: `))!, 'balanced accuracy'));
    expect(mean).toBeCloseTo((perSeed[0]! + perSeed[1]!) / 2, 2);
    expect(run.stderr).toMatch(/features \d+\/\d+/);
    expect((await readdir(cache)).sort()).toEqual(['accuracy-study-cells-v1.f32', 'accuracy-study-cells-v1.json']);

    // Another model on the same cache: the features are not computed again.
    const means = await runExample([cohort, cache, '--seeds', '0', '--model', 'means']);
    expect(means.code, means.stderr).toBe(0);
    expect(means.stderr).not.toMatch(/features \d+\/\d+/);
    const ba = numberAfter(means.stdout.split('\n').find((l) => l.startsWith('reshuffle 0: '))!, 'balanced accuracy');
    expect(ba >= 0 && ba <= 1).toBe(true);

    // The report's fourth block end to end (per-cell MLP → aggregator → scalar expert with the metadata).
    const mil = await runExample([cohort, cache, '--seeds', '0', '--model', 'mil', '--aggregator', 'instanceScore', '--score-method', 'topKMean', '--mix-epochs', '3']);
    expect(mil.code, mil.stderr).toBe(0);
    expect(mil.stdout).toContain('mixture-of-experts, 51 values per cell');
    const milBa = numberAfter(mil.stdout.split('\n').find((l) => l.startsWith('reshuffle 0: '))!, 'balanced accuracy');
    expect(milBa >= 0 && milBa <= 1).toBe(true);
    expect(mil.stdout).toContain('cells-only –, metadata-only –');
    expect(mil.stdout).toContain('cells-only – (the model has no cells expert)');

    // The crop CNN stacked with the metadata (cross-fitted inside each training fold): tiny crops, one epoch.
    const stack = await runExample([cohort, cache, '--seeds', '0', '--model', 'cnn', '--stack', '--cnn-epochs', '1', '--cells-per-bag', '2', '--inner-folds', '2', '--final', 'innerAverage', '--crop-size', '16', '--crop-window', '64']);
    expect(stack.code, stack.stderr).toBe(0);
    expect(stack.stdout).toContain('metadata-stack(crop-cnn(16 px, MultiTask)), 768 values per cell');
    const stackLine = stack.stdout.split('\n').find((l) => l.startsWith('reshuffle 0: '))!;
    for (const label of ['balanced accuracy', 'AUC', 'cells-only', 'metadata-only']) {
      const v = numberAfter(stackLine, label);
      expect(v >= 0 && v <= 1).toBe(true);
    }
  }, 90_000);

  it('exits 2 with a message on a bad option and writes nothing', async () => {
    const run = await runExample([join(root, 'cohort'), join(root, 'cache-bad'), '--model', 'forest']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('accuracy-study: bad --model forest');
    expect(existsSync(join(root, 'cache-bad'))).toBe(false);
    const agg = await runExample([join(root, 'cohort'), join(root, 'cache-bad'), '--model', 'mil', '--aggregator', 'median']);
    expect(agg.code).toBe(2);
    expect(agg.stderr).toContain('accuracy-study: bad --aggregator median: one of mean, max, logSumExp, topKMean, attention, gatedAttention, instanceScore');
    const stack = await runExample([join(root, 'cohort'), join(root, 'cache-bad'), '--stack']);
    expect(stack.code).toBe(2);
    expect(stack.stderr).toContain('accuracy-study: --stack goes with --model cnn (not cells)');
    expect(existsSync(join(root, 'cache-bad'))).toBe(false);
  }, 30_000);
});
