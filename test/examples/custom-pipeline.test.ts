import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../examples/custom-pipeline.js';

describe('examples/custom-pipeline', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('cross-validates, saves, loads and predicts with a user CNN backbone + attention and with a user model kind', async () => {
    const out = await mkdtemp(join(tmpdir(), 'lymphomix-custom-'));
    dirs.push(out);
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((s: string) => void lines.push(s));
    try {
      expect(await main([out])).toBe(0);
    } finally {
      log.mockRestore();
    }
    const text = lines.join('\n');
    expect(text).toMatch(/attention mixture on my CNN: 3-fold balanced accuracy [0-9.]+/);
    expect(text).toMatch(/nearest centroid: 3-fold balanced accuracy [0-9.]+/);
    // The mixture reports π and one attention weight per image; the user's kind its own expert.
    expect(text).toMatch(/π = [0-9.]+, attention per image( [0-9.]+)+$/m);
    expect(text).toMatch(/experts \{"centroid":[0-9.]+\}/);
  }, 300_000);
});
