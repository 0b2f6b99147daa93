import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSafetensors } from '../../../src/io/safetensors/readSafetensors.js';
import { SafetensorsError } from '../../../src/io/safetensors/safetensorsError.js';
import { serializeSafetensors } from '../../../src/io/safetensors/serializeSafetensors.js';

const BYTES = serializeSafetensors({ 'fc.bias': { shape: [3], data: new Float32Array([0.5, -1, 2]) } }, { format: 'pt' });
let dir = '';
let file = '';
let baseUrl = '';
let server: ReturnType<typeof createServer> | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lymphomix-safetensors-'));
  file = join(dir, 'model.safetensors');
  await writeFile(file, BYTES);
  await writeFile(join(dir, 'truncated.safetensors'), BYTES.subarray(0, BYTES.length - 1));
  server = createServer((req, res) => {
    if (req.url === '/model.safetensors') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
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

describe('readSafetensors', () => {
  it('reads a path, a file: URL, an http URL, a Blob and bytes', async () => {
    for (const src of [file, pathToFileURL(file), `${baseUrl}/model.safetensors`, new Blob([BYTES.slice().buffer]), BYTES]) {
      const st = await readSafetensors(src);
      expect([...st.tensor('fc.bias').data]).toEqual([0.5, -1, 2]);
      expect(st.metadata.format).toBe('pt');
    }
    expect((await readSafetensors(file)).source).toBe(file);
  });

  it('raises SafetensorsError naming a missing file and an HTTP error', async () => {
    const missing = join(dir, 'nope.safetensors');
    const e = await readSafetensors(missing).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SafetensorsError);
    expect((e as Error).message).toBe(`safetensors ${missing}: cannot read: file not found`);
    await expect(readSafetensors(`${baseUrl}/missing.safetensors`)).rejects.toThrow(/missing\.safetensors: cannot read: HTTP 404/);
  });

  it('raises SafetensorsError naming a truncated file', async () => {
    const path = join(dir, 'truncated.safetensors');
    await expect(readSafetensors(path)).rejects.toThrow(SafetensorsError);
    await expect(readSafetensors(path)).rejects.toThrow(path);
  });

  it('honours maxHeaderBytes and a given name', async () => {
    await expect(readSafetensors(file, { maxHeaderBytes: 8, name: 'weights' })).rejects.toThrow(/safetensors weights: header length \d+ exceeds the maximum of 8/);
  });
});
