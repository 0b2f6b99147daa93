import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgressBars } from '../../src/cli/progressBars.js';
import type { ProgressEvent } from '../../src/core/index.js';

/** A non-terminal stream that keeps what is written. */
function collector(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

function event(stage: ProgressEvent['stage'], done: number, total: number, detail: unknown): ProgressEvent {
  return { stage, done, total, elapsedSeconds: done, etaSeconds: total - done, detail };
}

describe('createProgressBars', () => {
  it('counts images for features, epochs for epoch-wise training and fits for the per-cell expert (whose events name a step)', () => {
    for (const [detail, unit] of [
      [{ epoch: 1, loss: 0.5 }, 'epoch'],
      [{ step: 'gbdt(100, depth 3, η 0.1): inner 2/5' }, 'fit'],
    ] as const) {
      const { stream, text } = collector();
      const bars = createProgressBars({ out: stream, err: stream });
      bars.listener(event('features', 4, 8, null));
      bars.listener(event('training', 2, 6, detail));
      bars.stop();
      expect(text()).toMatch(/features .* 4\/8 img \| 1\.0 img\/s/);
      expect(text()).toMatch(new RegExp(`training .* 2/6 ${unit} \\| 1\\.0 ${unit}/s`));
    }
  });

  it('prints nothing when quiet', () => {
    const { stream, text } = collector();
    const bars = createProgressBars({ out: stream, err: stream }, { quiet: true });
    bars.listener(event('training', 1, 2, { step: 'x' }));
    bars.stop();
    expect(text()).toBe('');
  });
});
