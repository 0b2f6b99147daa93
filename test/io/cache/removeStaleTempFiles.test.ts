import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openContentCache, removeStaleTempFiles } from '../../../src/io/cache/index.js';

let dir: string;
/** The pid of a process that has exited. */
let deadPid: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lymphomix-stale-tmp-'));
  deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function touch(file: string, ageMs: number): Promise<void> {
  await writeFile(file, '{"half');
  const t = new Date(Date.now() - ageMs);
  await utimes(file, t, t);
}

describe('removeStaleTempFiles', () => {
  it('removes the temporary files of dead writers (once a minute old) and any older than an hour; keeps the rest', async () => {
    const folder = join(dir, 'a');
    await mkdir(join(folder, 'ab'), { recursive: true });
    const entry = `${'ab'.repeat(32)}.json`;
    const files = {
      deadOld: join(folder, 'ab', `${entry}.tmp-${deadPid}-k2j4h5`),
      deadFresh: join(folder, 'ab', `${entry}.tmp-${deadPid}-a1b2c3`),
      liveOld: join(folder, 'ab', `${entry}.tmp-${process.pid}-zz99`),
      liveVeryOld: join(folder, 'ab', `${entry}.tmp-${process.pid}-yy88`),
      entry: join(folder, 'ab', entry),
      lookalike: join(folder, 'ab', `${entry}.tmp`),
      top: join(folder, `x.json.tmp-${deadPid}-q1`),
    };
    await touch(files.deadOld, 5 * 60_000);
    await touch(files.deadFresh, 1_000);
    await touch(files.liveOld, 5 * 60_000);
    await touch(files.liveVeryOld, 2 * 3_600_000);
    await touch(files.entry, 5 * 3_600_000);
    await touch(files.lookalike, 5 * 3_600_000);
    await touch(files.top, 5 * 60_000);
    expect(await removeStaleTempFiles(folder)).toBe(1); // the top-level one only
    expect(await removeStaleTempFiles(folder, { shards: true })).toBe(2);
    expect((await readdir(join(folder, 'ab'))).sort()).toEqual([entry, `${entry}.tmp`, `${entry}.tmp-${deadPid}-a1b2c3`, `${entry}.tmp-${process.pid}-zz99`].sort());
    expect(await removeStaleTempFiles(join(dir, 'no-such-folder'))).toBe(0);
  });

  it('runs when a content cache opens: a killed run leaves nothing behind for long', async () => {
    const options = { kind: 'features', version: 1, settings: { a: 1 }, decode: (j: unknown) => j };
    const cache = await openContentCache(join(dir, 'cache'), options);
    const hash = 'cd'.repeat(32);
    await cache.set(hash, { x: 1 });
    const shard = join(cache.dir, 'cd');
    await touch(join(shard, `${hash}.json.tmp-${deadPid}-abc`), 2 * 60_000);
    await touch(join(shard, `${hash}.json.tmp-${deadPid}-new`), 0);
    const again = await openContentCache(join(dir, 'cache'), options);
    expect((await readdir(shard)).sort()).toEqual([`${hash}.json`, `${hash}.json.tmp-${deadPid}-new`]);
    await expect(again.get(hash)).resolves.toEqual({ x: 1 });
  });
});
