import * as tf from '@tensorflow/tfjs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileSystemIO } from '../../../src/io/modelIo/fileSystemIO.js';
import { ModelIoError } from '../../../src/io/modelIo/modelIoError.js';
import { tinyLayersModel } from './tinyModels.js';

let root = '';
let n = 0;
const freshDir = (): string => join(root, `m${n++}`);

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'lymphomix-modelio-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const INPUT = [
  [0.5, -1, 2],
  [0, 0.25, -0.75],
];

async function predictions(model: tf.LayersModel): Promise<number[][]> {
  const x = tf.tensor2d(INPUT);
  const y = model.predict(x) as tf.Tensor;
  const out = (await y.array()) as number[][];
  tf.dispose([x, y]);
  return out;
}

async function expectModelIoError(p: Promise<unknown>, pattern: RegExp): Promise<ModelIoError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ModelIoError);
  expect((e as Error).message).toMatch(pattern);
  return e as ModelIoError;
}

describe('fileSystemIO', () => {
  it('saves a LayersModel in shards and loads it back with identical predictions, leaking no tensors', async () => {
    const dir = freshDir();
    const before = tf.memory().numTensors;
    const model = tinyLayersModel();
    const want = await predictions(model);
    const result = await model.save(fileSystemIO(dir, { shardBytes: 16 }));
    expect(result.modelArtifactsInfo.weightDataBytes).toBe((3 * 4 + 4 + 4 * 2 + 2) * 4);
    const files = (await readdir(dir)).sort();
    expect(files).toContain('model.json');
    expect(files.filter((f) => f.endsWith('.bin'))).toHaveLength(7); // 104 bytes in 16-byte shards
    expect(files.some((f) => f.includes('.tmp'))).toBe(false);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0]!.paths[0]).toBe('group1-shard1of7.bin');

    const loaded = await tf.loadLayersModel(fileSystemIO(dir));
    expect(await predictions(loaded)).toEqual(want);
    model.dispose();
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('accepts the model.json path, and a re-save removes the shards the new manifest does not list', async () => {
    const dir = freshDir();
    const model = tinyLayersModel();
    await model.save(fileSystemIO(dir, { shardBytes: 16 }));
    await writeFile(join(dir, 'notes.txt'), 'kept');
    await model.save(fileSystemIO(join(dir, 'model.json')));
    expect((await readdir(dir)).sort()).toEqual(['group1-shard1of1.bin', 'model.json', 'notes.txt']);
    const loaded = await tf.loadLayersModel(fileSystemIO(join(dir, 'model.json')));
    expect(await predictions(loaded)).toEqual(await predictions(model));
    model.dispose();
    loaded.dispose();
  });

  it('saves and loads a model without weights (one empty shard)', async () => {
    const dir = freshDir();
    const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [2, 2] })] });
    await model.save(fileSystemIO(dir));
    expect((await readFile(join(dir, 'group1-shard1of1.bin'))).length).toBe(0);
    const loaded = await tf.loadLayersModel(fileSystemIO(dir));
    expect(loaded.outputs[0]!.shape).toEqual([null, 4]);
    model.dispose();
    loaded.dispose();
  });

  describe('load errors name the file', () => {
    let dir = '';
    beforeAll(async () => {
      dir = freshDir();
      const model = tinyLayersModel();
      await model.save(fileSystemIO(dir));
      model.dispose();
    });
    const variant = async (edit: (d: string) => Promise<void>): Promise<string> => {
      const d = freshDir();
      await mkdir(d);
      for (const f of await readdir(dir)) await writeFile(join(d, f), await readFile(join(dir, f)));
      await edit(d);
      return d;
    };

    it('a missing folder or model.json', async () => {
      const missing = join(root, 'nowhere');
      const e = await expectModelIoError(tf.loadLayersModel(fileSystemIO(missing)), /model\.json not found/);
      expect(e.path).toBe(join(missing, 'model.json'));
    });

    it('corrupted JSON, JSON that is not a model, and a malformed manifest', async () => {
      const d1 = await variant((d) => writeFile(join(d, 'model.json'), '{"modelTopology": {'));
      await expectModelIoError(tf.loadLayersModel(fileSystemIO(d1)), /corrupted JSON/);
      const d2 = await variant((d) => writeFile(join(d, 'model.json'), '[1, 2]'));
      await expectModelIoError(tf.loadLayersModel(fileSystemIO(d2)), /expected a JSON object/);
      const d3 = await variant((d) => writeFile(join(d, 'model.json'), '{"weightsManifest": []}'));
      await expectModelIoError(tf.loadLayersModel(fileSystemIO(d3)), /no modelTopology object/);
      const d4 = await variant(async (d) => {
        const json = JSON.parse(await readFile(join(d, 'model.json'), 'utf8')) as Record<string, unknown>;
        json.weightsManifest = [{ paths: [1], weights: [] }];
        await writeFile(join(d, 'model.json'), JSON.stringify(json));
      });
      await expectModelIoError(tf.loadLayersModel(fileSystemIO(d4)), /weightsManifest\[0\] needs paths/);
    });

    it('a missing shard, a truncated shard, an oversized shard', async () => {
      const d1 = await variant((d) => rm(join(d, 'group1-shard1of1.bin')));
      const e = await expectModelIoError(tf.loadLayersModel(fileSystemIO(d1)), /weight shard not found/);
      expect(e.path).toBe(join(d1, 'group1-shard1of1.bin'));
      const d2 = await variant(async (d) => writeFile(join(d, 'group1-shard1of1.bin'), (await readFile(join(d, 'group1-shard1of1.bin'))).subarray(4)));
      await expectModelIoError(tf.loadLayersModel(fileSystemIO(d2)), /weight size mismatch: the manifest's 4 weights need 104 bytes but the shards hold 100/);
      const d3 = await variant(async (d) => writeFile(join(d, 'group1-shard1of1.bin'), Buffer.concat([await readFile(join(d, 'group1-shard1of1.bin')), Buffer.alloc(1)])));
      await expectModelIoError(tf.loadLayersModel(fileSystemIO(d3)), /need 104 bytes but the shards hold 105/);
    });

    it('a weight path that leaves the model folder', async () => {
      const d = await variant(async (d) => {
        const json = JSON.parse(await readFile(join(d, 'model.json'), 'utf8')) as tf.io.ModelJSON;
        json.weightsManifest[0]!.paths = ['../secret.bin'];
        await writeFile(join(d, 'model.json'), JSON.stringify(json));
      });
      await expectModelIoError(tf.loadLayersModel(fileSystemIO(d)), /weight path "\.\.\/secret\.bin" leaves the model folder/);
    });
  });

  it('refuses binary topologies and artifacts without a topology', async () => {
    const handler = fileSystemIO(freshDir());
    await expectModelIoError(handler.save!({ modelTopology: new ArrayBuffer(4) }), /binary \(protobuf\) model topologies are not supported/);
    await expectModelIoError(handler.save!({}), /no modelTopology/);
  });

  it('reports a folder it cannot create', async () => {
    const blocker = join(root, 'a-file');
    await writeFile(blocker, 'x');
    const model = tinyLayersModel();
    await expectModelIoError(model.save(fileSystemIO(join(blocker, 'sub'))), /cannot create the folder/);
    model.dispose();
  });

  it('rejects an empty path and a non-positive shard size', () => {
    expect(() => fileSystemIO('')).toThrow(/^fileSystemIO: path must be a non-empty folder or model\.json path, got ""$/);
    expect(() => fileSystemIO('x', { shardBytes: 0 })).toThrow(/^fileSystemIO: options\.shardBytes must be a positive integer, got 0$/);
  });
});

describe('fileSystemIO: shards that are links', () => {
  it('refuses a shard that is a symlink leading outside the model folder, and accepts one inside it', async () => {
    const { rename, symlink } = await import('node:fs/promises');
    const model = tinyLayersModel();
    const outside = freshDir();
    const dir = freshDir();
    await model.save(fileSystemIO(dir));
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
    const shard = json.weightsManifest[0]!.paths[0]!;
    await mkdir(outside, { recursive: true });
    await rename(join(dir, shard), join(outside, shard));
    await symlink(join(outside, shard), join(dir, shard));
    await expectModelIoError(tf.loadLayersModel(fileSystemIO(dir)), /is a link that leaves the model folder/);
    // A link that stays inside the folder is fine.
    await mkdir(join(dir, 'weights'));
    await rm(join(dir, shard));
    await rename(join(outside, shard), join(dir, 'weights', shard));
    await symlink(join(dir, 'weights', shard), join(dir, shard));
    const loaded = await tf.loadLayersModel(fileSystemIO(dir));
    expect(await predictions(loaded)).toEqual(await predictions(model));
    model.dispose();
    loaded.dispose();
  });
});
