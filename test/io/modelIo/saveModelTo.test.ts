import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLayersModelFrom } from '../../../src/io/modelIo/loadLayersModelFrom.js';
import { saveModelTo } from '../../../src/io/modelIo/saveModelTo.js';
import { tinyLayersModel } from './tinyModels.js';

let root = '';
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'lymphomix-save-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('saveModelTo', () => {
  it('creates nested folders, returns the save info, and the model loads back with the same weights', async () => {
    const before = tf.memory().numTensors;
    const model = tinyLayersModel();
    const dir = join(root, 'a', 'b');
    const result = await saveModelTo(model, dir, { shardBytes: 64 });
    expect(result.modelArtifactsInfo.modelTopologyType).toBe('JSON');
    expect((await readdir(dir)).sort()).toEqual(['group1-shard1of2.bin', 'group1-shard2of2.bin', 'model.json']);
    const loaded = await loadLayersModelFrom(dir);
    const a = model.getWeights().map((w) => [...w.dataSync()]);
    const b = loaded.getWeights().map((w) => [...w.dataSync()]);
    expect(b).toEqual(a);
    model.dispose();
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
