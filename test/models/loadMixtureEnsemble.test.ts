/**
 * loadMixtureEnsemble from an http(s) URL (what a browser page does with a model folder saved by the CLI): the
 * manifest is fetched, each member loaded from `<folder>/<member>/model.json`, and the predictions equal those of
 * the saved ensemble; a missing manifest names its URL and the HTTP status.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MixtureEnsemble, MixtureOfExperts, ModelCheckpointError, loadMixtureEnsemble } from '../../src/models/index.js';
import { startStaticServer, type StaticServer } from '../browser/helpers/staticServer.js';
import { randomBags, useCpu } from './modelTestUtils.js';

const bags = randomBags({ patients: 4, imageDim: 4, handmadeDim: 3, seed: 3 });

describe('loadMixtureEnsemble over HTTP', () => {
  let dir: string;
  let server: StaticServer;

  beforeAll(async () => {
    await useCpu();
    dir = await mkdtemp(join(tmpdir(), 'lymphomix-ensemble-http-'));
    server = await startStaticServer();
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a saved ensemble from its URL (with or without the trailing slash) to identical predictions, leak-free', async () => {
    const members = [1, 2].map((seed) => {
      const model = new MixtureOfExperts({ imageDim: 4, handmadeDim: 3, imageAggregator: 'attention', seed });
      model.adaptNormalization(bags);
      return model;
    });
    const ensemble = new MixtureEnsemble(members);
    const before = await ensemble.predict(bags);
    await ensemble.save(join(dir, 'e'));
    ensemble.dispose();
    const entries = await readdir(join(dir, 'e'), { recursive: true, withFileTypes: true });
    for (const e of entries.filter((f) => f.isFile())) {
      const path = join(e.parentPath, e.name);
      server.set(`/models/e/${relative(join(dir, 'e'), path).split(sep).join('/')}`, { path });
    }
    const tensors = tf.memory().numTensors;
    for (const url of [`${server.origin}/models/e`, new URL(`${server.origin}/models/e/`)]) {
      const loaded = await loadMixtureEnsemble(url);
      const after = await loaded.predict(bags);
      expect(after.probability).toEqual(before.probability);
      expect(after.gate).toEqual(before.gate);
      expect(after.attention).toEqual(before.attention);
      loaded.dispose();
    }
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('names the manifest URL and the HTTP status when the folder is not there', async () => {
    const url = `${server.origin}/models/missing/`;
    await expect(loadMixtureEnsemble(url)).rejects.toThrow(ModelCheckpointError);
    await expect(loadMixtureEnsemble(url)).rejects.toThrow(`cannot read the ensemble manifest ${url}ensemble.json: HTTP 404`);
  });
});
