import { execFile } from 'node:child_process';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLikeDist } from '../helpers/buildLikeDist.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
// Under node_modules/.cache, so that the bundle's external imports resolve as they do from dist/.
const root = join(repo, 'node_modules', '.cache', 'lymphomix-cli-test');
const dist = join(root, 'dist');
const work = join(root, 'work');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `lymphomix` executable. */
function lymphomix(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(dist, 'cli', 'bin.js'), ...args], { cwd: work, timeout: 240_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('the lymphomix command, built as dist/ (end to end on a tiny synthetic cohort)', () => {
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
  }, 180_000);
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('runs every subcommand, with exit codes 0 / 1 / 2', async () => {
    const synth = await lymphomix('synth', '--out', 'cohort', '--patients', '12', '--malignant', '0.5', '--images', '3-5', '--seed', '2');
    expect(synth.code, synth.stderr).toBe(0);
    expect(synth.stdout).toMatch(/wrote 12 patients/);

    const segment = await lymphomix('--quiet', 'segment', '--data', 'cohort', '--out', 'segmented');
    expect(segment.code, segment.stderr).toBe(0);
    const csv = await readFile(join(work, 'segmented', 'segmentation.csv'), 'utf8');
    expect(csv.trim().split('\n').length).toBeGreaterThan(30);
    await expect(readFile(join(work, 'segmented', 'overlays', 'P0', '000000.jpg.png'))).resolves.toBeInstanceOf(Buffer);

    // Two shard processes at once into one cache; then a one-process run finds everything cached and writes the same CSV
    // as a run that computed everything itself.
    const shards = await Promise.all([0, 1].map((i) => lymphomix('--json', 'features', '--data', 'cohort', '--cache', 'sharded', '--shard', `${i}/2`)));
    for (const s of shards) expect(s.code, s.stderr).toBe(0);
    const shardImages = shards.map((s) => (JSON.parse(s.stdout) as { images: number }).images);
    const merged = await lymphomix('--json', 'features', '--data', 'cohort', '--cache', 'sharded', '--out', 'features-merged');
    const single = await lymphomix('--json', 'features', '--data', 'cohort', '--cache', 'single', '--out', 'features-single', '--workers', '0');
    expect(merged.code, merged.stderr).toBe(0);
    expect(single.code, single.stderr).toBe(0);
    const m = JSON.parse(merged.stdout) as { images: number; cached: number };
    expect(m.cached).toBe(m.images);
    expect(shardImages[0]! + shardImages[1]!).toBe(m.images);
    expect(JSON.parse(single.stdout)).toMatchObject({ images: m.images, cached: 0 });
    for (const file of ['features-per-image.csv', 'patient-features.csv']) {
      expect(await readFile(join(work, 'features-merged', file), 'utf8')).toBe(await readFile(join(work, 'features-single', file), 'utf8'));
    }

    const embedArgs = ['--json', 'embed', '--data', 'cohort', '--backbone', 'resnet18', '--input-size', '32', '--cache', 'single', '--workers', '0'];
    const embed = await lymphomix(...embedArgs);
    expect(embed.code, embed.stderr).toBe(0);
    expect(JSON.parse(embed.stdout)).toMatchObject({ embedded: m.images, cached: 0, failed: 0, embeddingSize: 512 });
    const again = await lymphomix(...embedArgs);
    expect(JSON.parse(again.stdout)).toMatchObject({ embedded: m.images, cached: m.images });

    const cv = await lymphomix('--json', 'cv', '--data', 'cohort', '--folds', '2', '--cache', 'single', '--out', 'cv');
    expect(cv.code, cv.stderr).toBe(0);
    const summary = JSON.parse(cv.stdout) as { perFold: { balancedAccuracy: number; auc: number }[] };
    expect(summary.perFold).toHaveLength(2);
    for (const f of summary.perFold) expect(f.balancedAccuracy).toBeGreaterThanOrEqual(0);

    const report = await lymphomix('report', '--cv', 'cv');
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toMatch(/balancedAccuracy [0-9.]+ ± [0-9.]+, auc/);
    const noReport = await lymphomix('report', '--cv', 'segmented');
    expect(noReport.code).toBe(1);
    expect(noReport.stderr).toMatch(/cv-summary\.json: cannot read \(ENOENT\)/);

    const train = await lymphomix('train', '--data', 'cohort', '--out', 'model', '--cache', 'single');
    expect(train.code, train.stderr).toBe(0);
    // Training runs on the library's default backend (wasm in Node), never on tfjs's slow cpu fallback with its banner.
    for (const run of [cv, train]) expect(run.stderr).not.toMatch(/looks like you are running TensorFlow\.js in Node/);

    // predict never reads labels: the same folder with every label flipped, and with no LABEL column, gives the same files.
    const csvFile = join(work, 'cohort', 'trainset_true.csv');
    const original = await readFile(csvFile, 'utf8');
    const outputs: string[] = [];
    for (const variant of ['original', 'flipped', 'unlabelled'] as const) {
      const dir = join(work, `test-${variant}`);
      await cp(join(work, 'cohort'), dir, { recursive: true });
      const lines = original.trim().split('\n');
      const header = lines[0]!.split(',');
      const at = header.findIndex((h) => h.trim().toUpperCase() === 'LABEL');
      const edited = lines.map((line, i) => {
        const cells = line.split(',');
        if (variant === 'flipped' && i > 0) cells[at] = cells[at]!.trim() === '1' ? '0' : '1';
        if (variant === 'unlabelled') cells.splice(at, 1);
        return cells.join(',');
      });
      await writeFile(join(dir, 'trainset_true.csv'), `${edited.join('\n')}\n`);
      const predict = await lymphomix('predict', '--data', `test-${variant}`, '--model', 'model', '--out', `preds-${variant}.csv`, '--cache', 'single');
      expect(predict.code, predict.stderr).toBe(0);
      outputs.push((await readFile(join(work, `preds-${variant}.csv`), 'utf8')) + (await readFile(join(work, `preds-${variant}-details.csv`), 'utf8')));
    }
    expect(outputs[0]).toMatch(/^ID,Predicted\nP0,[01]\n/);
    expect(outputs[1]).toBe(outputs[0]);
    expect(outputs[2]).toBe(outputs[0]);

    // Failures: one line naming the culprit, exit 1; usage errors, exit 2.
    const badPath = await lymphomix('cv', '--data', 'no-such-folder');
    expect(badPath.code).toBe(1);
    expect(badPath.stderr.trim().split('\n')).toHaveLength(1);
    expect(badPath.stderr).toMatch(/^lymphomix cv: .*no-such-folder/);

    const manifestFile = join(work, 'model', 'lymphomix-pipeline.json');
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as { featureNames: string[] };
    await writeFile(manifestFile, JSON.stringify({ ...manifest, featureNames: manifest.featureNames.slice(0, 50) }));
    const mismatch = await lymphomix('predict', '--data', 'cohort', '--model', 'model', '--out', 'x.csv');
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toMatch(/^lymphomix predict: --model .*lymphomix-pipeline\.json: feature names differ/);

    const usage = await lymphomix('cv', '--data', 'cohort', '--folds', 'many');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--folds/);
    expect((await lymphomix('frobnicate')).code).toBe(2);
    expect((await lymphomix('--help')).code).toBe(0);
    for (const command of ['synth', 'segment', 'features', 'embed', 'cv', 'train', 'predict', 'report']) {
      const help = await lymphomix(command, '--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: lymphomix ${command}`);
    }
  }, 600_000);
});
