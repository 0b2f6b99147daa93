import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageDecodeError } from '../../../src/io/image/imageDecodeError.js';
import { isNode } from '../../../src/io/bytes/isNode.js';
import { readImageBytes } from '../../../src/io/bytes/readImageBytes.js';

const BYTES = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 1, 2, 3]);
let dir = '';
let file = '';
let baseUrl = '';
let server: ReturnType<typeof createServer> | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lymphomix-io-'));
  file = join(dir, 'cell.png');
  await writeFile(file, BYTES);
  server = createServer((req, res) => {
    if (req.url === '/cell.png') {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(Buffer.from(BYTES));
    } else {
      res.writeHead(404, 'Not Found');
      res.end();
    }
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await rm(dir, { recursive: true, force: true });
});

describe('readImageBytes', () => {
  it('returns a Uint8Array as is and wraps an ArrayBuffer', async () => {
    expect(await readImageBytes(BYTES)).toBe(BYTES);
    const ab = BYTES.slice().buffer;
    const got = await readImageBytes(ab);
    expect(got.buffer).toBe(ab);
    expect([...got]).toEqual([...BYTES]);
  });

  it('reads a Blob and a File', async () => {
    expect([...(await readImageBytes(new Blob([BYTES])))]).toEqual([...BYTES]);
    expect([...(await readImageBytes(new File([BYTES], 'x.png')))]).toEqual([...BYTES]);
  });

  it('reads a file path, a file: URL object and a file: URL string', async () => {
    expect(isNode()).toBe(true);
    for (const src of [file, pathToFileURL(file), pathToFileURL(file).href]) {
      expect([...(await readImageBytes(src))]).toEqual([...BYTES]);
    }
  });

  it('reads a data: URL', async () => {
    const url = `data:image/png;base64,${Buffer.from(BYTES).toString('base64')}`;
    expect([...(await readImageBytes(url))]).toEqual([...BYTES]);
  });

  it('fetches an http URL (string and URL)', async () => {
    expect([...(await readImageBytes(`${baseUrl}/cell.png`))]).toEqual([...BYTES]);
    expect([...(await readImageBytes(new URL(`${baseUrl}/cell.png`)))]).toEqual([...BYTES]);
  });

  it('raises ImageDecodeError naming the URL on an HTTP error status', async () => {
    const url = `${baseUrl}/missing.png`;
    await expect(readImageBytes(url)).rejects.toThrow(ImageDecodeError);
    await expect(readImageBytes(url)).rejects.toThrow(`${url}: HTTP 404`);
  });

  it('raises ImageDecodeError naming a missing file, a directory and the empty path', async () => {
    const missing = join(dir, 'nope.jpg');
    const err = await readImageBytes(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageDecodeError);
    expect((err as ImageDecodeError).source).toBe(missing);
    expect((err as Error).message).toContain(`${missing}: file not found`);
    await expect(readImageBytes(dir)).rejects.toThrow(`${dir}: is a directory`);
    await expect(readImageBytes('')).rejects.toThrow('empty file path');
  });

  it('uses the given name in errors', async () => {
    await expect(readImageBytes(join(dir, 'nope.jpg'), { name: 'upload #3' })).rejects.toThrow('upload #3: file not found');
  });

  it('honours an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(readImageBytes(file, { signal: controller.signal })).rejects.toThrow(ImageDecodeError);
    await expect(readImageBytes(`${baseUrl}/cell.png`, { signal: controller.signal })).rejects.toThrow('fetch failed');
  });

  it('rejects values that are not image sources with a TypeError naming the function', async () => {
    await expect(readImageBytes(42 as unknown as string)).rejects.toThrow(TypeError);
    await expect(readImageBytes(42 as unknown as string)).rejects.toThrow(
      /^readImageBytes: source must be a file path, URL, Uint8Array, ArrayBuffer or Blob, got 42$/,
    );
    await expect(readImageBytes({ id: 'P0' } as unknown as string)).rejects.toThrow(/got an object \{id\}$/);
  });
});
