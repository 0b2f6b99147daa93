import { describe, expect, it } from 'vitest';
import { runCachedBatch, untilAborted } from '../../../src/io/cache/runCachedBatch.js';

describe('abort settles a batch at once', () => {
  it('untilAborted: the work, or the signal reason as soon as it aborts', async () => {
    expect(await untilAborted(Promise.resolve(3), undefined)).toBe(3);
    const ac = new AbortController();
    const never = new Promise<number>(() => undefined);
    setTimeout(() => ac.abort(new Error('enough')), 20);
    await expect(untilAborted(never, ac.signal)).rejects.toThrow('enough');
  });

  it('runCachedBatch rejects with the reason while a compute call never returns', async () => {
    const ac = new AbortController();
    const started = Date.now();
    const events: number[] = [];
    setTimeout(() => ac.abort(new Error('user abort')), 50);
    await expect(
      runCachedBatch([new Uint8Array([1]), new Uint8Array([2])], {
        stage: 'features',
        cache: undefined,
        chunk: 1,
        lanes: 1,
        decoder: 'x',
        compute: () => new Promise(() => undefined),
        onProgress: (e) => events.push(e.done),
        signal: ac.signal,
      }),
    ).rejects.toThrow('user abort');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(events).toEqual([]);
  });
});
