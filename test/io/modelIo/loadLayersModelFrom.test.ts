import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLayersModelFrom } from '../../../src/io/modelIo/loadLayersModelFrom.js';
import { ModelIoError } from '../../../src/io/modelIo/modelIoError.js';
import { resolveModelHandler } from '../../../src/io/modelIo/resolveModelHandler.js';
import { saveModelTo } from '../../../src/io/modelIo/saveModelTo.js';
import { startFileServer } from './modelServer.js';
import { tinyLayersModel } from './tinyModels.js';

let root = '';
let server: Awaited<ReturnType<typeof startFileServer>>;
let want: number[][] = [];
const X = [[1, -2, 0.5]];

async function predict(model: tf.LayersModel): Promise<number[][]> {
  const y = tf.tidy(() => model.predict(tf.tensor2d(X)) as tf.Tensor);
  const out = (await y.array()) as number[][];
  y.dispose();
  return out;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'lymphomix-load-'));
  const model = tinyLayersModel();
  want = await predict(model);
  await saveModelTo(model, join(root, 'mil'), { shardBytes: 40 });
  await saveModelTo(model, join(root, 'bad'));
  const shard = join(root, 'bad', 'group1-shard1of1.bin');
  await writeFile(shard, (await readFile(shard)).subarray(0, 50));
  model.dispose();
  server = await startFileServer(root);
});

afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

describe('loadLayersModelFrom', () => {
  it('loads from a folder, a model.json path, a file: URL and an http URL, with identical predictions', async () => {
    const before = tf.memory().numTensors;
    const dir = join(root, 'mil');
    const sources = [dir, join(dir, 'model.json'), pathToFileURL(join(dir, 'model.json')), pathToFileURL(dir).href, `${server.baseUrl}/mil/model.json`, new URL(`${server.baseUrl}/mil/`)];
    for (const src of sources) {
      const model = await loadLayersModelFrom(src);
      expect(await predict(model)).toEqual(want);
      model.dispose();
    }
    expect(server.requests).toContain('/mil/group1-shard3of3.bin');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reports download progress over http', async () => {
    const fractions: number[] = [];
    const model = await loadLayersModelFrom(`${server.baseUrl}/mil/model.json`, { onProgress: (f) => fractions.push(f) });
    model.dispose();
    expect(fractions.at(-1)).toBe(1);
  });

  it('raises ModelIoError naming the URL for an HTTP 404 and a shard of the wrong size', async () => {
    const url = `${server.baseUrl}/none/model.json`;
    const e = await loadLayersModelFrom(url).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ModelIoError);
    expect((e as ModelIoError).path).toBe(url);
    expect((e as Error).message).toMatch(/404/);
    const bad = `${server.baseUrl}/bad/model.json`;
    await expect(loadLayersModelFrom(bad)).rejects.toThrow(`model ${bad}: weight size mismatch: the manifest's 4 weights need 104 bytes but the shards hold 50`);
    await expect(loadLayersModelFrom(join(root, 'bad'))).rejects.toThrow(/weight size mismatch/);
  });

  it('raises ModelIoError for a missing folder, an empty location and an unsupported scheme', async () => {
    await expect(loadLayersModelFrom(join(root, 'missing'))).rejects.toThrow(/model\.json not found/);
    await expect(loadLayersModelFrom('')).rejects.toThrow(ModelIoError);
    await expect(loadLayersModelFrom('ftp://example.org/model.json')).rejects.toThrow(/unsupported URL scheme/);
  });

  it('passes strict through: a model file with an extra weight fails when strict, loads when not', async () => {
    const dir = join(root, 'extra');
    const model = tinyLayersModel();
    await saveModelTo(model, dir);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
    json.weightsManifest[0]!.weights.push({ name: 'extra/kernel', shape: [1], dtype: 'float32' });
    await writeFile(join(dir, 'model.json'), JSON.stringify(json));
    const shard = join(dir, 'group1-shard1of1.bin');
    await writeFile(shard, Buffer.concat([await readFile(shard), Buffer.alloc(4)]));
    await expect(loadLayersModelFrom(dir)).rejects.toThrow(/extra/);
    const loose = await loadLayersModelFrom(dir, { strict: false });
    expect(await predict(loose)).toEqual(want);
    loose.dispose();
    model.dispose();
  });
});

describe('loadLayersModelFrom: a weight whose shape does not match the topology', () => {
  it('names the file and the weight, not a bare "Shape mismatch"', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lymphomix-shape-'));
    const model = tinyLayersModel();
    try {
      await saveModelTo(model, dir);
      const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as { weightsManifest: { weights: { name: string; shape: number[] }[] }[] };
      const kernel = json.weightsManifest[0]?.weights.find((w) => w.name.endsWith('/kernel') && w.shape[0] === 3);
      expect(kernel?.shape).toEqual([3, 4]);
      (kernel as { shape: number[] }).shape = [4, 3];
      await writeFile(join(dir, 'model.json'), JSON.stringify(json));
      // tf.loadLayersModel itself leaves the model it built and the decoded weights behind on this error; naming the
      // weight adds nothing to that
      const base = tf.memory().numTensors;
      await tf.loadLayersModel(resolveModelHandler(dir)).catch(() => undefined);
      const tfjsLeak = tf.memory().numTensors - base;
      const before = tf.memory().numTensors;
      const error = await loadLayersModelFrom(dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ModelIoError);
      expect((error as Error).message).toBe(
        `model ${dir}: weight ${kernel?.name} is [4, 3] in the weights manifest, the model's topology needs [3, 4]`,
      );
      expect(tf.memory().numTensors - before).toBeLessThanOrEqual(Math.max(tfjsLeak, 0));
    } finally {
      model.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
