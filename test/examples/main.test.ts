import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../examples/main.js';
import { FEATURE_NAMES } from '../../src/features/index.js';

describe('examples/main (npm start)', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('writes a synthetic cohort, extracts features and writes one row per patient; a second run uses the cache', async () => {
    const out = await mkdtemp(join(tmpdir(), 'lymphomix-main-'));
    dirs.push(out);
    const text: string[] = [];
    const io = { out: (s: string) => text.push(s), err: () => undefined };
    expect(await main(['--out', out, '--patients', '3', '--seed', '5', '--workers', '0'], io)).toBe(0);
    const csv = (await readFile(join(out, 'patient-features.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]!.split(',')).toEqual(['id', 'label', 'age', 'lymphCount', 'images', 'usable', ...FEATURE_NAMES.map((f) => `${f}.mean`)]);
    expect(csv).toHaveLength(1 + 3);
    for (const line of csv.slice(1)) expect(line).not.toMatch(/NaN/);
    const dice = /median Dice ([0-9.]+)/.exec(text.join(''));
    expect(Number(dice?.[1])).toBeGreaterThan(0.9);

    const again: string[] = [];
    expect(await main(['--out', out, '--patients', '3', '--seed', '5', '--workers', '0'], { out: (s) => again.push(s), err: () => undefined })).toBe(0);
    const m = /features: (\d+) images in [0-9.]+ s \((\d+) from cache\)/.exec(again.join(''));
    expect(m?.[1]).toBe(m?.[2]);
  });

  it('rejects bad arguments with exit code 2 and a message naming the option', async () => {
    const err: string[] = [];
    expect(await main(['--patients', 'x'], { out: () => undefined, err: (s) => err.push(s) })).toBe(2);
    expect(err.join('')).toContain('--patients');
  });
});
