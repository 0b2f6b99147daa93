import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, mkdir, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileReadError, readRegularFile } from '../../../src/io/bytes/readRegularFile.js';
import { MAX_IMAGE_FILE_BYTES, readImageBytes } from '../../../src/io/bytes/readImageBytes.js';
import { decodeImage } from '../../../src/io/image/decodeImage.js';
import { ImageDecodeError } from '../../../src/io/image/imageDecodeError.js';
import { openContentCache } from '../../../src/io/cache/contentCache.js';
import { sha256Hex } from '../../../src/io/bytes/sha256Hex.js';

let dir: string;
let fifo: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lymphomix-special-'));
  fifo = join(dir, 'pipe.jpg');
  execFileSync('mkfifo', [fifo]);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readRegularFile', () => {
  it('reads a regular file whole, in one buffer of its size, also across chunks', async () => {
    const small = join(dir, 'small.bin');
    await writeFile(small, new Uint8Array([1, 2, 3]));
    const got = await readRegularFile(small);
    expect([...got]).toEqual([1, 2, 3]);
    expect(got.buffer.byteLength).toBe(3);
    const big = new Uint8Array(2 * 1024 * 1024 + 7);
    big[0] = 1;
    big[big.length - 1] = 2;
    await writeFile(join(dir, 'big.bin'), big);
    expect(await readRegularFile(join(dir, 'big.bin'))).toEqual(big);
  });

  it('refuses a named pipe, a folder and a device at once, without blocking', async () => {
    const started = Date.now();
    await expect(readRegularFile(fifo)).rejects.toMatchObject({ code: 'not-a-file', message: expect.stringContaining('named pipe') });
    await expect(readRegularFile(dir)).rejects.toMatchObject({ code: expect.stringMatching(/not-a-file|EISDIR/) });
    await expect(readRegularFile('/dev/zero')).rejects.toMatchObject({ code: 'not-a-file', message: expect.stringContaining('character device') });
    await expect(readRegularFile(join(dir, 'nope'))).rejects.toBeInstanceOf(FileReadError);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses a file over maxBytes before reading it, and stops on an aborted signal', async () => {
    await writeFile(join(dir, 'ten.bin'), new Uint8Array(10));
    await expect(readRegularFile(join(dir, 'ten.bin'), { maxBytes: 9 })).rejects.toMatchObject({ code: 'too-large' });
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    await expect(readRegularFile(join(dir, 'ten.bin'), { signal: ac.signal })).rejects.toThrow('stop');
  });
});

describe('image reads refuse special files with an error naming the path', () => {
  it('readImageBytes and decodeImage (both decoders) on a FIFO, a folder and a device', async () => {
    for (const decoder of ['jimp', 'sharp'] as const) {
      const e = await decodeImage(fifo, { decoder }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ImageDecodeError);
      expect((e as Error).message).toContain(fifo);
      expect((e as Error).message).toContain('not a regular file');
    }
    await expect(readImageBytes(dir)).rejects.toThrow(dir);
    await expect(readImageBytes(new URL(`file://${fifo}`))).rejects.toThrow('named pipe');
    await expect(readImageBytes('/dev/zero')).rejects.toThrow('/dev/zero: is a character device');
  });

  it('a file, Blob or response over the size limit is refused before it is read (sparse 300 MiB file)', async () => {
    const huge = join(dir, 'video.jpg');
    await writeFile(huge, '');
    await truncate(huge, 300 * 1024 * 1024); // sparse: no disk, but a naive read would allocate 300 MiB
    const before = process.memoryUsage().rss;
    const started = Date.now();
    await expect(readImageBytes(huge)).rejects.toThrow(`cannot decode image ${huge}: file of ${300 * 1024 * 1024} bytes exceeds the limit of ${MAX_IMAGE_FILE_BYTES} bytes`);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
    await expect(decodeImage(huge, { decoder: 'jimp' })).rejects.toThrow(ImageDecodeError);
    await expect(readImageBytes(new Blob([new Uint8Array(20)]), { maxBytes: 10 })).rejects.toThrow('20 bytes exceed the limit of 10 bytes');
    await expect(readImageBytes('data:application/octet-stream;base64,AAAAAAAAAAAAAAAA', { maxBytes: 4 })).rejects.toThrow('exceed the limit of 4 bytes');
    expect((await readImageBytes(huge.replace('video.jpg', 'ten.bin'), { maxBytes: 10 })).byteLength).toBe(10);
  });

  it('a cache entry that is a FIFO is counted invalid and recomputed, never read', async () => {
    const cache = await openContentCache<number>(join(dir, 'cache'), { kind: 'x', version: 0, settings: {}, decode: (j) => (typeof j === 'number' ? j : undefined) });
    const h = await sha256Hex(new Uint8Array([9]));
    await mkdir(join(cache.dir, h.slice(0, 2)), { recursive: true });
    execFileSync('mkfifo', [join(cache.dir, h.slice(0, 2), `${h}.json`)]);
    expect(await cache.get(h)).toBeUndefined();
    expect(cache.stats.invalid).toBe(1);
    await cache.set(h, 5); // replaces the pipe atomically
    expect(await cache.get(h)).toBe(5);
    expect((await readdir(join(cache.dir, h.slice(0, 2)))).length).toBe(1);
  });

  it('a child process running a batch over a FIFO (with an abort signal) finishes and exits', async () => {
    const script = join(dir, 'fifoBatch.mts');
    const src = new URL('../../../src/features/batch/extractFeaturesBatch.ts', import.meta.url).href;
    await writeFile(
      script,
      `import { extractFeaturesBatch } from ${JSON.stringify(src)};\n` +
        `const r = await extractFeaturesBatch([${JSON.stringify(fifo)}], { workers: 0, decode: { decoder: 'jimp' }, signal: AbortSignal.timeout(3000) });\n` +
        `console.log(JSON.stringify(r.failures));\n`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(null);
      }, 20_000);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    expect(code, out).toBe(0);
    expect(out).toContain('named pipe');
    expect(out).toContain(fifo);
  }, 30_000);
});
