import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../examples/main.js';
import { captureIo } from '../helpers/captureIo.js';

describe('examples/main (npm start)', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('writes a synthetic cohort, cross-validates the default configuration and prints per-fold balanced accuracy and AUC', async () => {
    const out = await mkdtemp(join(tmpdir(), 'lymphomix-main-'));
    dirs.push(out);
    const run = captureIo();
    expect(await main(['--out', out, '--patients', '12', '--seed', '5', '--folds', '2', '--workers', '0'], run.io)).toBe(0);
    const text = run.out();
    expect(text).toMatch(/repeat\s+fold\s+patients\s+balancedAccuracy\s+auc/);
    expect(text.match(/^\s+0\s+[01]\s+\d+\s+[0-9.]+\s+[0-9.]+/gm)).toHaveLength(2);
    expect(text).toMatch(/balanced accuracy [0-9.]+ ± [0-9.]+, AUC/);
    const summary = JSON.parse(await readFile(join(out, 'cv', 'cv-summary.json'), 'utf8')) as { perFold: unknown[]; patients: number };
    expect(summary.perFold).toHaveLength(2);
    expect(summary.patients).toBe(12);
    // The self-contained HTML report of the cross-validation is written beside the summary.
    expect(await readFile(join(out, 'cv', 'report.html'), 'utf8')).toMatch(/<svg/);
    const dice = /median Dice ([0-9.]+)/.exec(text);
    expect(Number(dice?.[1])).toBeGreaterThan(0.9);
  });

  it('rejects bad arguments with exit code 2 and a message naming the option', async () => {
    const run = captureIo();
    expect(await main(['--patients', 'x'], run.io)).toBe(2);
    expect(run.err()).toContain('--patients');
  });
});
