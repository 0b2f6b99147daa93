import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../examples/real-data-study.js';
import { writeSyntheticCohort } from '../../src/data/index.js';

/** Runs the example's `main` and collects what it prints (console.log) and writes to stderr. */
async function runMain(argv: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    out.push(`${args.map(String).join(' ')}\n`);
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  });
  try {
    const code = await main(argv);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    vi.restoreAllMocks();
  }
}

/** The balanced accuracy of every `repeat r: balanced accuracy m ± sd` line. */
function repeatLines(text: string): { repeat: number; mean: number; sd: number; auc: number }[] {
  return [...text.matchAll(/^repeat (\d+): balanced accuracy ([0-9.]+) ± ([0-9.]+|NaN), AUC ([0-9.]+|NaN) ±/gm)].map((m) => ({
    repeat: Number(m[1]),
    mean: Number(m[2]),
    sd: Number(m[3]),
    auc: Number(m[4]),
  }));
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lymphomix-real-data-study-'));
  await writeSyntheticCohort(join(root, 'cohort'), { patientCount: 12, seed: 4, malignantFraction: 0.5, imagesPerPatient: { min: 3, max: 5 }, render: { size: 96 } });
}, 60_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('examples/real-data-study', () => {
  it('cross-validates the scalar expert and the baseline over two repeats and prints balanced accuracies in [0, 1]', async () => {
    const cache = join(root, 'features');
    const run = await runMain([join(root, 'cohort'), cache, '--repeats', '2', '--seed', '1', '--workers', '0', '--epochs', '5', '--baseline']);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toMatch(/^12 patients \(6 malignant\), \d+ usable images, \d+ unusable$/m);
    expect(run.out).toMatch(/over the 51 features/);
    expect(run.out).toContain('2 repeats from seed 1');

    const baseline = /^baseline balanced accuracy over 2 repeats: ([0-9.]+) ± ([0-9.]+)$/m.exec(run.out);
    expect(baseline, run.out).not.toBeNull();
    expect(Number(baseline![1])).toBeGreaterThanOrEqual(0);
    expect(Number(baseline![1])).toBeLessThanOrEqual(1);

    const repeats = repeatLines(run.out);
    expect(repeats.map((r) => r.repeat)).toEqual([0, 1]);
    for (const r of repeats) {
      for (const v of [r.mean, r.auc]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      expect(Number.isFinite(r.sd)).toBe(true);
    }
    const overall = /^balanced accuracy over 2 repeats: ([0-9.]+) ± ([0-9.]+) /m.exec(run.out);
    expect(overall, run.out).not.toBeNull();
    // The mean over repeats is the mean of the per-repeat figures (each printed to 3 decimals).
    expect(Number(overall![1])).toBeCloseTo((repeats[0]!.mean + repeats[1]!.mean) / 2, 2);
    expect(run.err).toMatch(/features \d+\/\d+/);
    // The handmade features are cached in the folder given.
    expect((await readdir(cache)).length).toBeGreaterThan(0);
  }, 60_000);

  it('--baseline-only stops after the baseline', async () => {
    const run = await runMain([join(root, 'cohort'), join(root, 'features'), '--repeats', '1', '--workers', '0', '--baseline-only']);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toMatch(/^baseline balanced accuracy over 1 repeats: [0-9.]+/m);
    expect(repeatLines(run.out)).toEqual([]);
  }, 60_000);

  it('exits 2 with a usage line on a bad option or a missing folder argument', async () => {
    const bad = await runMain([join(root, 'cohort'), join(root, 'features'), '--epochs', '0']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('real-data-study: bad option --epochs');
    expect(bad.err).toContain('usage: real-data-study <cohortDir> <featureCacheDir>');
    const missing = await runMain([join(root, 'cohort')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('expected <cohortDir> <featureCacheDir>');
  });
});
