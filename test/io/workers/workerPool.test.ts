import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkerPool } from '../../../src/io/workers/workerPool.js';

const ECHO = new URL('./fixtures/echoWorker.mjs', import.meta.url);
type Task = { op: string; bytes?: Uint8Array };
type Reply = { length: number; threadId: number };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lymphomix-pool-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('startWorkerPool', () => {
  it('queues tasks on its threads, transfers listed buffers, names a crash and replaces the thread', async () => {
    const pool = await startWorkerPool<Task, Reply>({ fn: 'test', entry: ECHO, threads: 2 });
    try {
      const replies = await Promise.all(Array.from({ length: 6 }, () => pool.run({ op: 'echo', bytes: new Uint8Array(5) })));
      expect(replies.map((r) => r.length)).toEqual([5, 5, 5, 5, 5, 5]);
      expect(new Set(replies.map((r) => r.threadId)).size).toBeLessThanOrEqual(2);
      const moved = new Uint8Array(8);
      const kept = new Uint8Array(8);
      await pool.run({ op: 'echo', bytes: moved }, { transfer: [moved.buffer] });
      await pool.run({ op: 'echo', bytes: kept });
      expect(moved.byteLength).toBe(0); // detached: it moved to the thread
      expect(kept.byteLength).toBe(8);
      await expect(pool.run({ op: 'crash' })).rejects.toThrow(/^worker thread exited \(code 3\)$/);
      await expect(pool.run({ op: 'throw' })).rejects.toThrow('boom');
      expect((await pool.run({ op: 'echo' })).length).toBe(0); // a new thread serves
    } finally {
      await pool.close();
    }
  });

  it('an abort rejects a running task at once with the signal\'s reason', async () => {
    const pool = await startWorkerPool<Task, Reply>({ fn: 'test', entry: ECHO, threads: 1 });
    try {
      const controller = new AbortController();
      const started = performance.now();
      const waiting = pool.run({ op: 'wait' }, { signal: controller.signal });
      const queued = pool.run({ op: 'echo' }, { signal: controller.signal });
      setTimeout(() => controller.abort(new Error('enough')), 100);
      await expect(waiting).rejects.toThrow('enough');
      await expect(queued).rejects.toThrow('enough');
      expect(performance.now() - started).toBeLessThan(10_000);
      await expect(pool.run({ op: 'echo' }, { signal: controller.signal })).rejects.toThrow('enough');
      expect((await pool.run({ op: 'echo' })).length).toBe(0);
    } finally {
      await pool.close();
    }
  });

  it('a worker module that cannot load rejects its tasks with its error', async () => {
    const broken = join(dir, 'broken.mjs');
    await writeFile(broken, "throw new Error('cannot load me');\n");
    const pool = await startWorkerPool<Task, Reply>({ fn: 'test', entry: pathToFileURL(broken), threads: 1 });
    try {
      await expect(pool.run({ op: 'echo' })).rejects.toThrow('cannot load me');
    } finally {
      await pool.close();
    }
  });
});
