import * as tf from '@tensorflow/tfjs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGraphModelFrom } from '../../../src/io/modelIo/loadGraphModelFrom.js';
import { ModelIoError } from '../../../src/io/modelIo/modelIoError.js';
import { saveModelTo } from '../../../src/io/modelIo/saveModelTo.js';
import { startFileServer } from './modelServer.js';
import { TINY_GRAPH_WEIGHTS, tinyGraphModelJson } from './tinyModels.js';

let root = '';
let server: Awaited<ReturnType<typeof startFileServer>>;

async function run(model: tf.GraphModel): Promise<number[][]> {
  const x = tf.tensor2d([
    [1, 1],
    [0.5, -2],
  ]);
  const y = model.predict(x) as tf.Tensor;
  const out = (await y.array()) as number[][];
  tf.dispose([x, y]);
  return out;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'lymphomix-graph-'));
  const dir = join(root, 'graph');
  await mkdir(dir);
  await writeFile(join(dir, 'model.json'), JSON.stringify(tinyGraphModelJson()));
  await writeFile(join(dir, 'group1-shard1of1.bin'), new Uint8Array(TINY_GRAPH_WEIGHTS.buffer));
  server = await startFileServer(root);
});

afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

describe('loadGraphModelFrom', () => {
  it('loads a graph model from a folder and over http: y = x · [[2], [-3]]', async () => {
    const before = tf.memory().numTensors;
    for (const src of [join(root, 'graph'), `${server.baseUrl}/graph/model.json`]) {
      const model = await loadGraphModelFrom(src);
      expect(await run(model)).toEqual([[-1], [7]]);
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('saves a loaded graph model to another folder and loads it back identically', async () => {
    const model = await loadGraphModelFrom(join(root, 'graph'));
    const copy = join(root, 'copy');
    await saveModelTo(model, copy);
    expect((await readdir(copy)).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
    const again = await loadGraphModelFrom(copy);
    expect(await run(again)).toEqual(await run(model));
    model.dispose();
    again.dispose();
  });

  it('raises ModelIoError for a missing shard and a shard of the wrong size', async () => {
    const dir = join(root, 'broken');
    await mkdir(dir);
    await writeFile(join(dir, 'model.json'), JSON.stringify(tinyGraphModelJson()));
    await expect(loadGraphModelFrom(dir)).rejects.toThrow(/group1-shard1of1\.bin: weight shard not found/);
    await writeFile(join(dir, 'group1-shard1of1.bin'), new Uint8Array(12));
    const e = await loadGraphModelFrom(dir).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ModelIoError);
    expect((e as Error).message).toMatch(/need 8 bytes but the shards hold 12/);
  });
});
