import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  MixtureOfExperts,
  ModelCheckpointError,
  createMixtureBatch,
  disposeMixtureBatch,
  disposeMixtureOutput,
  loadMixtureOfExperts,
  resolveMixtureConfig,
} from '../../src/models/index.js';
import { ArgumentError, seededRandom } from '../../src/core/index.js';
import type { PatientBag } from '../../src/models/index.js';
import { randomBags, useCpu } from './modelTestUtils.js';

const bags = randomBags({ patients: 6, imageDim: 5, handmadeDim: 4, seed: 3 });

async function saveToMemory(model: MixtureOfExperts): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return saved as tf.io.ModelArtifacts;
}

describe('MixtureOfExperts', () => {
  beforeAll(useCpu);

  it('predicts named outputs per patient, with π differing between patients', async () => {
    const model = new MixtureOfExperts({ imageDim: 5, handmadeDim: 4, imageAggregator: 'attention', seed: 2 });
    model.adaptNormalization(bags);
    const p = await model.predict(bags, { batchSize: 4 });
    expect(p.probability).toHaveLength(6);
    expect(p.gate).not.toBeNull();
    const gate = Array.from(p.gate as Float32Array);
    expect(Math.max(...gate) - Math.min(...gate)).toBeGreaterThan(1e-4);
    gate.forEach((pi) => expect(pi > 0 && pi < 1).toBe(true));
    // ŷ = π ŷ_image + (1 − π) ŷ_scalar
    p.probability.forEach((y, i) => {
      const pi = gate[i] as number;
      const mixed = pi * (p.experts.image?.[i] as number) + (1 - pi) * (p.experts.scalar?.[i] as number);
      expect(y).toBeCloseTo(mixed, 5);
    });
    expect(p.lymphCount).toHaveLength(6);
    expect(p.attention.image?.map((a) => a.length)).toEqual(bags.map((b) => b.images?.rows));
    p.attention.image?.forEach((a) => expect(a.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5));
    expect(p.attention.handmade).toBeNull();
    model.dispose();
  });

  it('builds each configured variant: single experts, softmax gate, concatenation baseline, gate inputs', async () => {
    const variants = [
      { config: { experts: ['image'] as const, imageDim: 5 }, gate: false, slots: ['image.head'] },
      { config: { experts: ['scalar'] as const, handmadeDim: 4, handmadeUnits: 0 }, gate: false, slots: ['scalar.head'] },
      { config: { imageDim: 5, handmadeDim: 4, combination: 'softmax' as const }, gate: true, slots: ['gate/kernel'] },
      { config: { imageDim: 5, handmadeDim: 4, combination: 'concat' as const }, gate: false, slots: ['concat.head'] },
      { config: { imageDim: 5, handmadeDim: 4, gateInputs: ['age'] as const, multitask: false, imageHiddenUnits: 3 }, gate: true, slots: ['image.hidden'] },
    ];
    for (const v of variants) {
      const model = new MixtureOfExperts({ ...v.config, experts: v.config.experts ? [...v.config.experts] : ['image', 'scalar'], ...('gateInputs' in v.config ? { gateInputs: [...v.config.gateInputs] } : {}) });
      const names = model.namedWeights().map((w) => w.name);
      for (const slot of v.slots) expect(names.some((n) => n.startsWith(slot))).toBe(true);
      const p = await model.predict(bags);
      expect(p.gate !== null).toBe(v.gate);
      expect(Array.from(p.probability).every((y) => y >= 0 && y <= 1)).toBe(true);
      model.dispose();
    }
    const softmax = new MixtureOfExperts({ imageDim: 5, handmadeDim: 4, combination: 'softmax' });
    expect(softmax.namedWeights().find((w) => w.name === 'gate/kernel')?.variable.shape).toEqual([4, 2]);
    softmax.dispose();
    const ageOnly = new MixtureOfExperts({ imageDim: 5, handmadeDim: 4, gateInputs: ['age'] });
    expect(ageOnly.namedWeights().find((w) => w.name === 'gate/kernel')?.variable.shape).toEqual([1, 1]);
    ageOnly.dispose();
  });

  it('scalarUnits 0 makes the scalar expert (and the concatenation baseline) linear: a logistic regression', async () => {
    const linear = new MixtureOfExperts({ experts: ['scalar'], handmadeDim: 4, handmadeUnits: 0, scalarUnits: 0, seed: 4 });
    const weights = new Map(linear.namedWeights().map((w) => [w.name, w.variable]));
    expect([...weights.keys()].some((n) => n.includes('hidden'))).toBe(false);
    const kernel = weights.get('scalar.head/kernel');
    expect(kernel?.shape).toEqual([6, 1]); // 4 mean features, age, log(1 + count)
    await kernel?.write(tf.tensor2d([[0.5], [-1], [0.25], [2], [0.01], [-0.3]]));
    await weights.get('scalar.head/bias')?.write(tf.tensor1d([0.2]));
    const p = await linear.predict(bags);
    bags.forEach((bag, i) => {
      // the model's standardisers are still the identity: logit = w · [mean handmade features, age, log1p(count)] + b
      const h = bag.handmade as { data: Float32Array; rows: number; cols: number };
      const mean = [0, 1, 2, 3].map((j) => Array.from({ length: h.rows }, (_, r) => h.data[r * h.cols + j] as number).reduce((s, v) => s + v, 0) / h.rows);
      const logit = 0.5 * mean[0]! - mean[1]! + 0.25 * mean[2]! + 2 * mean[3]! + 0.01 * bag.age - 0.3 * Math.log1p(bag.lymphCount) + 0.2;
      expect(p.probability[i]).toBeCloseTo(1 / (1 + Math.exp(-logit)), 5);
    });
    // the linear variant saves and loads like the others
    const loaded = await loadMixtureOfExperts(tf.io.fromMemory(await saveToMemory(linear)));
    expect(loaded.config.scalarUnits).toBe(0);
    expect(Array.from((await loaded.predict(bags)).probability)).toEqual(Array.from(p.probability));
    loaded.dispose();
    linear.dispose();
    const concat = new MixtureOfExperts({ imageDim: 5, handmadeDim: 4, combination: 'concat', scalarUnits: 0 });
    const names = concat.namedWeights().map((w) => w.name);
    expect(names.some((n) => n.startsWith('concat.hidden'))).toBe(false);
    expect(concat.namedWeights().find((w) => w.name === 'concat.head/kernel')?.variable.shape).toEqual([5 + 16 + 2, 1]);
    concat.dispose();
  });

  it('rejects invalid configurations with a message naming the problem', () => {
    expect(() => resolveMixtureConfig({ experts: ['image'] })).toThrow('MixtureOfExperts: config.imageDim must be > 0 with the image expert, got 0');
    expect(() => resolveMixtureConfig({ handmadeDim: 3, experts: ['scalar'], gateInputs: ['image'] })).toThrow('MixtureOfExperts: config.gateInputs must be one of "age", "lymphCount", "handmade", got "image"');
    expect(() => resolveMixtureConfig({ experts: [] })).toThrow('MixtureOfExperts: config.experts must be an array with at least 1 element, got an array of 0');
    expect(() => resolveMixtureConfig({ imageDim: 2, combination: 'max' as never })).toThrow(/combination must be/);
    expect(() => resolveMixtureConfig({ experts: ['scalar', 'scalar'] })).toThrow('MixtureOfExperts: config.experts must be distinct names among image, scalar, got "[scalar, scalar]"');
    expect(() => resolveMixtureConfig({ imageDim: -1 })).toThrow('MixtureOfExperts: config.imageDim must be an integer ≥ 0, got -1');
  });

  it('checks its batch: missing bags, wrong widths, empty bags name the patient', () => {
    const model = new MixtureOfExperts({ imageDim: 5, handmadeDim: 4 });
    const noImages = createMixtureBatch(bags, { handmadeDim: 4 });
    expect(() => model.call(noImages)).toThrow(/expected image bags \[ΣN, 5\] for 6 patients, got none/);
    disposeMixtureBatch(noImages);
    expect(() => createMixtureBatch([{ id: 'P7', age: 1, lymphCount: 1, images: { data: new Float32Array(0), rows: 0, cols: 5 } }], { imageDim: 5 })).toThrow(
      /patient P7 images must be \[N ≥ 1, 5\]/,
    );
    expect(() => createMixtureBatch([{ id: 'P8', age: Number.NaN, lymphCount: 1 }])).toThrow(/createMixtureBatch: patient P8 must be a finite age/);
    expect(() => createMixtureBatch([])).toThrow('createMixtureBatch: bags must be an array with at least 1 element, got an array of 0');
    model.dispose();
  });

  it('round-trips through save and load (memory and file system) with identical predictions', async () => {
    const model = new MixtureOfExperts({ imageDim: 5, handmadeDim: 4, imageAggregator: 'gatedAttention', handmadeAggregator: 'attention', seed: 9 });
    model.adaptNormalization(bags);
    const before = await model.predict(bags);
    const fromMemory = await loadMixtureOfExperts(tf.io.fromMemory(await saveToMemory(model)));
    const dir = await mkdtemp(join(tmpdir(), 'lymphomix-moe-'));
    try {
      await model.save(dir);
      const fromDisk = await loadMixtureOfExperts(dir);
      for (const loaded of [fromMemory, fromDisk]) {
        const after = await loaded.predict(bags);
        expect(Array.from(after.probability)).toEqual(Array.from(before.probability));
        expect(Array.from(after.gate as Float32Array)).toEqual(Array.from(before.gate as Float32Array));
        expect(loaded.config).toEqual(model.config);
        loaded.dispose();
      }
      // a truncated weight file is reported, not loaded
      const manifest = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[] }[] };
      const shard = join(dir, manifest.weightsManifest[0]?.paths[0] as string);
      const bytes = await readFile(shard);
      await writeFile(shard, bytes.subarray(0, bytes.length - 8));
      await expect(loadMixtureOfExperts(dir)).rejects.toThrow(/.+/);
    } finally {
      await rm(dir, { recursive: true, force: true });
      model.dispose();
    }
  });

  it('refuses corrupted or mismatched checkpoints with a clear error', async () => {
    const model = new MixtureOfExperts({ imageDim: 5, handmadeDim: 4 });
    const artifacts = await saveToMemory(model);
    const topology = artifacts.modelTopology as Record<string, unknown>;
    const load = (a: tf.io.ModelArtifacts): Promise<MixtureOfExperts> => loadMixtureOfExperts(tf.io.fromMemory(a));
    // another configuration's weights
    const other = { ...artifacts, modelTopology: { ...topology, config: { ...(topology['config'] as object), handmadeDim: 3 } } };
    await expect(load(other)).rejects.toThrow(/weight handmade.standardize\/mean in the given IOHandler is float32\[4\], its configuration needs float32\[3\]/);
    const fewer = { ...artifacts, weightSpecs: (artifacts.weightSpecs ?? []).slice(1) };
    await expect(load(fewer)).rejects.toThrow(/missing \[metadata.standardize\/mean\]/);
    // truncated and NaN-filled weight data
    const data = artifacts.weightData as ArrayBuffer;
    await expect(load({ ...artifacts, weightData: data.slice(0, data.byteLength - 4) })).rejects.toThrow(ModelCheckpointError);
    const nan = new Float32Array(data.slice(0));
    nan[0] = Number.NaN;
    await expect(load({ ...artifacts, weightData: nan.buffer })).rejects.toThrow(/corrupted weights in the given IOHandler: metadata.standardize\/mean holds a non-finite value/);
    // not a mixture checkpoint, future version, invalid config
    await expect(load({ ...artifacts, modelTopology: { class_name: 'Sequential' } })).rejects.toThrow(/not a mixture-of-experts checkpoint/);
    await expect(load({ ...artifacts, modelTopology: { ...topology, formatVersion: 99 } })).rejects.toThrow(/unsupported format version 99/);
    await expect(load({ ...artifacts, modelTopology: { ...topology, config: { experts: ['nose'] } } })).rejects.toThrow(/invalid config/);
    model.dispose();
  });

  it('leaks no tensor in call, predict, save/load and dispose', async () => {
    const start = tf.memory().numTensors;
    const model = new MixtureOfExperts({ imageDim: 5, handmadeDim: 4, imageAggregator: 'attention' });
    const afterBuild = tf.memory().numTensors;
    const batch = createMixtureBatch(bags, { imageDim: 5, handmadeDim: 4 });
    disposeMixtureOutput(model.call(batch));
    disposeMixtureBatch(batch);
    await model.predict(bags);
    expect(tf.memory().numTensors).toBe(afterBuild);
    const loaded = await loadMixtureOfExperts(tf.io.fromMemory(await saveToMemory(model)));
    loaded.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(start);
    await expect(model.predict(bags)).rejects.toThrow(/MixtureOfExperts.predict: the model has been disposed/);
  });

  it("trains, saves, loads and disposes 'instanceScore' aggregators: [B, 1] embeddings, trainable scorers", async () => {
    // malignant patients have one or two abnormal images (large first embedding dimension): a max-like pooling finds them
    const random = seededRandom(11).next;
    const matrix = (rows: number, cols: number, abnormal: number): { data: Float32Array; rows: number; cols: number } => {
      const data = Float32Array.from({ length: rows * cols }, () => random() * 2 - 1);
      for (let r = 0; r < abnormal; r++) data[r * cols] = (data[r * cols] as number) + 3;
      return { data, rows, cols };
    };
    const cohort: PatientBag[] = Array.from({ length: 16 }, (_, i) => {
      const label = (i % 2) as 0 | 1;
      const n = 3 + Math.floor(random() * 4);
      return {
        id: `S${i}`,
        label,
        age: 40 + 40 * random(),
        lymphCount: 2 + 30 * random(),
        images: matrix(n, 4, label === 1 ? 1 + (i % 4 === 1 ? 1 : 0) : 0),
        handmade: matrix(n, 3, 0),
      };
    });
    const start = tf.memory().numTensors;
    const config = {
      imageDim: 4,
      handmadeDim: 3,
      handmadeUnits: 5,
      imageAggregator: 'instanceScore',
      handmadeAggregator: 'instanceScore',
      instanceScoreMethod: 'topKMean',
      instanceScoreK: 2,
      multitask: false,
      seed: 6,
    } as const;
    const model = new MixtureOfExperts(config);
    model.adaptNormalization(cohort);
    const shapes = new Map(model.namedWeights().map((w) => [w.name, w.variable.shape]));
    expect(shapes.get('image.pool/kernel')).toEqual([4, 1]);
    expect(shapes.get('image.pool/bias')).toEqual([1]);
    expect(shapes.get('handmade.pool/kernel')).toEqual([5, 1]);
    expect(shapes.get('image.head/kernel')).toEqual([1, 1]); // the expert and the gate see one score, not D dimensions
    expect(shapes.get('gate.image/kernel')).toEqual([1, 1]);
    expect(shapes.get('gate.handmade/kernel')).toEqual([1, 1]);
    expect(shapes.get('scalar.hidden/kernel')).toEqual([1 + 2, 16]);
    const scorer = model.namedWeights().find((w) => w.name === 'image.pool/kernel')?.variable.read() as tf.Variable;
    const handScorer = model.namedWeights().find((w) => w.name === 'handmade.pool/kernel')?.variable.read() as tf.Variable;
    const trainable = model.trainableVariables.map((v) => v.id);
    expect(trainable).toContain(scorer.id);
    expect(trainable).toContain(handScorer.id);
    const scorerBefore = scorer.arraySync();

    const batch = model.createBatch(cohort);
    const labels = tf.tensor1d(cohort.map((b) => b.label as number));
    const optimizer = tf.train.adam(0.05);
    const loss = (): tf.Scalar => {
      const out = model.call(batch);
      expect(out.attention.image).toBeNull();
      const l = tf.losses.sigmoidCrossEntropy(labels, out.logit) as tf.Scalar;
      disposeMixtureOutput(out);
      return l;
    };
    const losses: number[] = [];
    for (let step = 0; step < 60; step++) {
      const l = optimizer.minimize(loss, true, model.trainableVariables) as tf.Scalar;
      losses.push(l.dataSync()[0] as number);
      l.dispose();
    }
    expect(losses.at(-1) as number).toBeLessThan(0.5 * (losses[0] as number));
    expect(scorer.arraySync()).not.toEqual(scorerBefore);
    optimizer.dispose();
    labels.dispose();
    disposeMixtureBatch(batch);

    const before = await model.predict(cohort);
    expect(before.attention).toEqual({ image: null, handmade: null });
    const loaded = await loadMixtureOfExperts(tf.io.fromMemory(await saveToMemory(model)));
    expect(loaded.config).toEqual(model.config);
    expect([loaded.config.instanceScoreMethod, loaded.config.instanceScoreK]).toEqual(['topKMean', 2]);
    const after = await loaded.predict(cohort);
    after.probability.forEach((p, i) => expect(Math.abs(p - (before.probability[i] as number))).toBeLessThanOrEqual(1e-6));
    after.gate?.forEach((g, i) => expect(Math.abs(g - (before.gate?.[i] as number))).toBeLessThanOrEqual(1e-6));
    loaded.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('rejects invalid instance-score options naming the option', () => {
    const bad = [
      [{ instanceScoreMethod: 'median' as 'mean' }, /^MixtureOfExperts: config\.instanceScoreMethod must be one of "mean", "max", "logSumExp", "topKMean", got "median"$/],
      [{ instanceScoreK: 0 }, /^MixtureOfExperts: config\.instanceScoreK must be an integer ≥ 1, got 0$/],
      [{ instanceScoreTemperature: -1 }, /^MixtureOfExperts: config\.instanceScoreTemperature must be a finite number > 0, got -1$/],
      [{ imageAggregator: 'instanceScores' as 'mean' }, /^MixtureOfExperts: config\.imageAggregator must be one of .*"instanceScore", got "instanceScores"$/],
    ] as const;
    for (const [config, message] of bad) {
      expect(() => resolveMixtureConfig({ imageDim: 2, ...config })).toThrow(ArgumentError);
      expect(() => resolveMixtureConfig({ imageDim: 2, ...config })).toThrow(message);
    }
    expect(resolveMixtureConfig({ imageDim: 2 })).toMatchObject({ instanceScoreMethod: 'mean', instanceScoreK: 3, instanceScoreTemperature: 1 });
  });

  it('leaks no tensor when predict fails in the forward pass or while reading results', async () => {
    const model = new MixtureOfExperts({ imageDim: 5, handmadeDim: 4 });
    const before = tf.memory().numTensors;
    const call = vi.spyOn(model, 'call').mockImplementationOnce(() => {
      throw new Error('forward failed');
    });
    await expect(model.predict(bags)).rejects.toThrow('forward failed');
    expect(tf.memory().numTensors).toBe(before);
    call.mockRestore();
    const data = vi.spyOn(tf.Tensor.prototype, 'data').mockRejectedValueOnce(new Error('read failed'));
    await expect(model.predict(bags)).rejects.toThrow('read failed');
    data.mockRestore();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
