import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atomicWriteFile } from '../../../src/io/bytes/atomicWriteFile.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lymphomix-atomic-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('atomicWriteFile', () => {
  it('writes bytes and strings, replaces an existing file, and leaves no temporary file', async () => {
    const file = join(dir, 'a.bin');
    await atomicWriteFile(file, new Uint8Array([1, 2, 3]));
    expect([...(await readFile(file))]).toEqual([1, 2, 3]);
    await atomicWriteFile(file, 'héllo');
    expect(await readFile(file, 'utf8')).toBe('héllo');
    await atomicWriteFile(file, new Uint8Array(0));
    expect((await readFile(file)).length).toBe(0);
    expect(await readdir(dir)).toEqual(['a.bin']);
  });

  it('concurrent writers never leave a mixed file: the result is one of the complete contents', async () => {
    const file = join(dir, 'race.bin');
    const contents = [0, 1, 2, 3, 4, 5, 6, 7].map((v) => new Uint8Array(64 * 1024).fill(v));
    await Promise.all(contents.map((c) => atomicWriteFile(file, c)));
    const got = await readFile(file);
    expect(got.length).toBe(64 * 1024);
    expect(got.every((b) => b === got[0])).toBe(true);
    expect((await readdir(dir)).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('fails when the folder does not exist, leaving nothing behind', async () => {
    await expect(atomicWriteFile(join(dir, 'missing', 'x.bin'), 'x')).rejects.toThrow(/ENOENT/);
    expect((await readdir(dir)).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('removes its temporary file when the rename fails (the target is a non-empty folder)', async () => {
    const sub = join(dir, 'rename-fails');
    await mkdir(join(sub, 'target.csv'), { recursive: true });
    await writeFile(join(sub, 'target.csv', 'keep'), 'x');
    await expect(atomicWriteFile(join(sub, 'target.csv'), 'a,b\n')).rejects.toThrow();
    expect(await readdir(sub)).toEqual(['target.csv']);
    expect(await readFile(join(sub, 'target.csv', 'keep'), 'utf8')).toBe('x');
  });
});
