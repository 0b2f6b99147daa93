import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadMixtureOfExperts, MixtureOfExperts, mixtureWeightSpecs, ModelCheckpointError } from '../../src/models/index.js';

interface ModelJson {
  modelTopology: { config: Record<string, unknown> };
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[] }[] }[];
}

const config = { imageDim: 5, handmadeDim: 4, imageHiddenUnits: 3, handmadeUnits: 2, imageAggregator: 'gatedAttention', seed: 1 } as const;

describe('loadMixtureOfExperts: checkpoint errors name the file and the weight, and the config is checked first', () => {
  let dir = '';
  let original = '';
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = await mkdtemp(join(tmpdir(), 'lymphomix-ckpt-'));
    const model = new MixtureOfExperts(config);
    await model.save(dir);
    model.dispose();
    original = await readFile(join(dir, 'model.json'), 'utf8');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const rewrite = async (edit: (json: ModelJson) => void): Promise<void> => {
    const json = JSON.parse(original) as ModelJson;
    edit(json);
    await writeFile(join(dir, 'model.json'), JSON.stringify(json));
  };

  it('mixtureWeightSpecs gives the shapes the model builds, for several structures, without building it', () => {
    for (const c of [
      config,
      { imageDim: 7, handmadeDim: 6, attentionUnits: 5, imageHiddenUnits: 4, handmadeUnits: 3, scalarUnits: 9, combination: 'concat' },
      { imageDim: 8, handmadeDim: 51, handmadeAggregator: 'attention', combination: 'softmax', standardizeImages: true },
      { handmadeDim: 3, experts: ['scalar'], scalarUnits: 0 },
    ] as const) {
      const model = new MixtureOfExperts(c);
      expect(mixtureWeightSpecs(c)).toEqual(model.namedWeights().map((w) => ({ name: w.name, shape: w.variable.shape })));
      model.dispose();
    }
  });

  it('a transposed weight names the file and the weight (not a bare "Shape mismatch: [3,2] vs. [2,3]")', async () => {
    await rewrite((json) => {
      const w = json.weightsManifest[0]?.weights.find((x) => x.name === 'handmade.embed/kernel');
      expect(w?.shape).toEqual([4, 2]);
      (w as { shape: number[] }).shape = [2, 4];
    });
    const before = tf.memory().numTensors;
    await expect(loadMixtureOfExperts(dir)).rejects.toThrow(
      `loadMixtureOfExperts: weight handmade.embed/kernel in ${dir} is float32[2, 4], its configuration needs float32[4, 2]`,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('an inflated config fails fast, before the model is built', async () => {
    // 40000 x 4000 = 160M parameters (640 MB) if the model were built first
    await rewrite((json) => Object.assign(json.modelTopology.config, { imageDim: 40_000, imageHiddenUnits: 4_000 }));
    const before = tf.memory();
    // The peak of tensor memory while it fails (sampled after every tensor made and every kernel run), instead of a
    // timing bound: the built model would hold 640 MB; checking the configuration first builds only tiny models.
    const engine = tf.engine();
    let peak = before.numBytes;
    const sample = <F extends (...args: never[]) => unknown>(f: F): F =>
      ((...args: Parameters<F>) => {
        const out = f(...args);
        peak = Math.max(peak, tf.memory().numBytes);
        return out;
      }) as F;
    const originals = { makeTensor: engine.makeTensor.bind(engine), runKernel: engine.runKernel.bind(engine) };
    const makeTensor = vi.spyOn(engine, 'makeTensor').mockImplementation(sample(originals.makeTensor));
    const runKernel = vi.spyOn(engine, 'runKernel').mockImplementation(sample(originals.runKernel));
    const error = await loadMixtureOfExperts(dir).catch((e: unknown) => e);
    makeTensor.mockRestore();
    runKernel.mockRestore();
    expect(error).toBeInstanceOf(ModelCheckpointError);
    expect((error as Error).message).toMatch(/weight image.standardize\/mean|weight image.hidden\/kernel in .* is float32\[5, 3\], its configuration needs float32\[40000, 4000\]/);
    expect((error as Error).message).toContain(dir);
    expect(peak - before.numBytes).toBeLessThan(16 * 2 ** 20);
    expect(tf.memory().numTensors).toBe(before.numTensors);
  });

  it('the original checkpoint still loads', async () => {
    await writeFile(join(dir, 'model.json'), original);
    const model = await loadMixtureOfExperts(dir);
    expect(model.config.imageHiddenUnits).toBe(3);
    model.dispose();
  });
});
