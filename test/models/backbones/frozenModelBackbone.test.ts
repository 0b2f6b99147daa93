import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLayersModelFrom } from '../../../src/io/modelIo/loadLayersModelFrom.js';
import { saveModelTo } from '../../../src/io/modelIo/saveModelTo.js';
import { backboneFingerprint } from '../../../src/models/backbones/backboneFingerprint.js';
import { IMAGENET_MEAN, IMAGENET_STD } from '../../../src/models/backbones/backbone.js';
import { checkFrozenModelBackboneOptions, FrozenModelBackbone } from '../../../src/models/backbones/frozenModelBackbone.js';
import type { FrozenModelBackboneOptions } from '../../../src/models/backbones/frozenModelBackbone.js';
import { fillWeights, tinyCnn, tinyFeatureMapModel, tinyImageGraphJson, tinyImageGraphWeights, tinyIntImageGraphJson } from './tinyImageModels.js';

/** One tolerance per precision (float32 tensors). */
const TOL = 1e-3;

let root = '';

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'lymphomix-frozen-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function graphModel(w?: readonly number[], batch = -1): Promise<tf.GraphModel> {
  const json = tinyImageGraphJson({ batch });
  const bytes = tinyImageGraphWeights(w);
  return tf.loadGraphModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0]!.weights, weightData: bytes.buffer as ArrayBuffer }));
}

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

const images = (n: number, size: number): tf.Tensor4D =>
  tf.tidy(() => tf.floor(tf.mul(tf.add(tf.sin(tf.range(0, n * size * size * 3)), 1), 127.5)).reshape([n, size, size, 3]) as tf.Tensor4D);

describe('FrozenModelBackbone (layers model)', () => {
  it('reads D and the input size from the model, freezes it, and embeds like the model on (x/255 − mean)/std', () => {
    const model = tinyCnn(16);
    expect(model.trainableWeights.length).toBeGreaterThan(0);
    const backbone = new FrozenModelBackbone(model);
    expect(backbone).toMatchObject({ architecture: 'tfjs-layers', embeddingSize: 4, inputSize: 16, inputRange: 'uint8', outputNode: null });
    expect(backbone.mean).toEqual(IMAGENET_MEAN);
    expect(model.trainableWeights).toHaveLength(0); // frozen
    const x = images(3, 16);
    const before = tf.memory().numTensors;
    const z = backbone.embed(x);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(z.shape).toEqual([3, 4]);
    expect(z.dtype).toBe('float32');
    const want = tf.tidy(() => {
      const m = tf.tensor1d(IMAGENET_MEAN.map((v) => v * 255));
      const s = tf.tensor1d(IMAGENET_STD.map((v) => v * 255));
      return model.predict(tf.div(tf.sub(x, m), s)) as tf.Tensor;
    });
    expect(maxDiff(z, want)).toBeLessThan(TOL);
    // 'normalized': passed through unchanged
    const norm = new FrozenModelBackbone(tinyCnn(16), { inputRange: 'normalized' });
    const zn = norm.embed(x);
    const wn = norm.model.predict(x) as tf.Tensor;
    expect(maxDiff(zn, wn)).toBeLessThan(TOL);
    tf.dispose([x, z, want, zn, wn]);
    backbone.dispose();
    norm.dispose();
    backbone.dispose(); // twice: nothing
  });

  it('pools a feature-map output [N, h, w, C] by its global average; a dynamic input needs inputSize', () => {
    expect(() => new FrozenModelBackbone(tinyFeatureMapModel())).toThrow(
      /FrozenModelBackbone: the model takes any image size \(input \[\?, \?, \?, 3\]\): pass options\.inputSize/,
    );
    const before = tf.memory().numTensors;
    const backbone = new FrozenModelBackbone(tinyFeatureMapModel(), { inputSize: 12, mean: [0, 0, 0], std: [1, 1, 1] });
    expect(backbone.embeddingSize).toBe(5);
    const x = images(2, 12);
    const z = backbone.embed(x);
    const want = tf.tidy(() => tf.mean(backbone.model.predict(tf.div(x, 255)) as tf.Tensor, [1, 2]));
    expect(z.shape).toEqual([2, 5]);
    expect(maxDiff(z, want)).toBeLessThan(TOL);
    tf.dispose([x, z, want]);
    backbone.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects what is not an image model, naming itself and the value', () => {
    expect(() => new FrozenModelBackbone({} as tf.LayersModel)).toThrow(/^FrozenModelBackbone: model must be a tf\.LayersModel or tf\.GraphModel, got an object \{\}$/);
    expect(() => new FrozenModelBackbone(null as unknown as tf.LayersModel)).toThrow(/got null/);
    const dense = tf.sequential({ layers: [tf.layers.dense({ inputShape: [5], units: 2 })] });
    expect(() => new FrozenModelBackbone(dense)).toThrow(/expected a model input \[N, H, W, 3\], got \[\?, 5\]/);
    const gray = tf.sequential({ layers: [tf.layers.globalAveragePooling2d({ inputShape: [8, 8, 1] })] });
    expect(() => new FrozenModelBackbone(gray)).toThrow(/expected a model input \[N, H, W, 3\], got \[\?, 8, 8, 1\]/);
    const wide = tf.sequential({ layers: [tf.layers.globalAveragePooling2d({ inputShape: [8, 6, 3] })] });
    expect(() => new FrozenModelBackbone(wide)).toThrow(/input \[\?, 8, 6, 3\] is not square/);
    const cnn = tinyCnn(16);
    expect(() => new FrozenModelBackbone(cnn, { inputSize: 32 })).toThrow(/inputSize 32 differs from the model's input \[\?, 16, 16, 3\]/);
    expect(() => new FrozenModelBackbone(cnn, { outputNode: 'conv' })).toThrow(/options\.outputNode must be absent for a layers model \(it is for graph models/);
    expect(() => new FrozenModelBackbone(cnn, { inputRange: 'raw' as 'uint8' })).toThrow(/^FrozenModelBackbone: options\.inputRange must be one of "uint8", "normalized", got "raw"$/);
    expect(() => new FrozenModelBackbone(cnn, { std: [1, 0, 1] })).toThrow(/^FrozenModelBackbone: options\.std must be 3 finite positive numbers, got \[1, 0, 1\]$/);
    const seq = tf.sequential({ layers: [tf.layers.reshape({ inputShape: [4, 4, 3], targetShape: [16, 3] })] });
    expect(() => new FrozenModelBackbone(seq)).toThrow(/expected a model output \[N, D\] or \[N, h, w, C\], got \[\?, 16, 3\]/);
    const a = tf.input({ shape: [8, 8, 3] });
    const b = tf.input({ shape: [8, 8, 3] });
    const two = tf.model({ inputs: [a, b], outputs: tf.layers.add().apply([a, b]) as tf.SymbolicTensor });
    expect(() => new FrozenModelBackbone(two)).toThrow(/expected a model with one image input, got 2 inputs/);
    const p = tf.layers.globalAveragePooling2d({}).apply(a) as tf.SymbolicTensor;
    const twoOut = tf.model({ inputs: a, outputs: [p, tf.layers.flatten().apply(a) as tf.SymbolicTensor] });
    expect(() => new FrozenModelBackbone(twoOut)).toThrow(/expected a layers model with one output, got 2 outputs/);
    const backbone = new FrozenModelBackbone(cnn);
    expect(() => backbone.embed(tf.zeros([2, 16, 16]))).toThrow(/FrozenModelBackbone\.embed: expected images \[N, H, W, 3\], got \[2, 16, 16\]/);
    expect(() => backbone.embed(tf.zeros([2, 8, 8, 3]))).toThrow(/FrozenModelBackbone\.embed: the model takes \[N, 16, 16, 3\] images, got \[2, 8, 8, 3\]/);
    backbone.dispose();
    expect(() => backbone.embed(tf.zeros([1, 16, 16, 3]))).toThrow(/FrozenModelBackbone\.embed: the backbone is disposed/);
    [dense, gray, wide, seq, two, twoOut].forEach((m) => m.dispose());
  });

  it('has a content id that changes with any weight and with the input settings, not across save/load', async () => {
    const model = tinyCnn(16);
    const backbone = new FrozenModelBackbone(model);
    const id = await backboneFingerprint(backbone);
    expect(id).toMatch(/^tfjs-layers-[0-9a-f]{24}$/);
    const before = tf.memory().numTensors;
    expect(await backboneFingerprint(backbone)).toBe(id);
    expect(tf.memory().numTensors).toBe(before);
    fillWeights(model, 5);
    const changed = await backboneFingerprint(backbone);
    expect(changed).not.toBe(id);
    // one weight value changed by one step
    const [kernel, bias] = model.getWeights();
    const bumped = tf.tidy(() => tf.add(bias!, tf.oneHot([0], bias!.shape[0]!).reshape(bias!.shape).mul(1e-3)));
    model.setWeights([kernel!, bumped]);
    tf.dispose([bumped]);
    expect(await backboneFingerprint(backbone)).not.toBe(changed);
    backbone.dispose();
  });

  it('has a content id that changes with mean, std and inputRange for the same saved model', async () => {
    const saved = tinyCnn(16);
    await saveModelTo(saved, join(root, 'cnn'));
    saved.dispose();
    const load = async (options: ConstructorParameters<typeof FrozenModelBackbone>[1] = {}): Promise<string> => {
      const backbone = new FrozenModelBackbone(await loadLayersModelFrom(join(root, 'cnn')), options);
      const id = await backboneFingerprint(backbone);
      backbone.dispose();
      return id;
    };
    const id = await load();
    expect(await load()).toBe(id); // the same folder twice: the same id
    const others = [
      await load({ mean: [0, 0, 0] }),
      await load({ std: [1, 1, 1] }),
      await load({ inputRange: 'normalized' }),
      await load({ mean: [0, 0, 0], std: [1, 1, 1] }),
    ];
    expect(new Set([id, ...others]).size).toBe(5);
  });

  it('checks its options without a model, with the prefix it is given (shared with checkBackboneSpec)', () => {
    expect(checkFrozenModelBackboneOptions(undefined, null, 'f: ')).toEqual({
      inputSize: null,
      inputRange: 'uint8',
      mean: IMAGENET_MEAN,
      std: IMAGENET_STD,
      outputNode: null,
    });
    expect(checkFrozenModelBackboneOptions({ inputSize: 8, outputNode: 'y', mean: [0, 0, 0], std: [1, 1, 1] }, 'graph', 'f: ')).toEqual({
      inputSize: 8,
      inputRange: 'uint8',
      mean: [0, 0, 0],
      std: [1, 1, 1],
      outputNode: 'y',
    });
    expect(() => checkFrozenModelBackboneOptions(3, null, 'f: ')).toThrow(/^f: options must be an options object, got 3$/);
    expect(() => checkFrozenModelBackboneOptions([], null, 'g: spec.options.')).toThrow(/^g: spec\.options must be an options object, got an array of 0$/);
    expect(() => checkFrozenModelBackboneOptions({ inputSize: 'x' }, null, 'f: ')).toThrow(/^f: inputSize must be a positive integer, got "x"$/);
    expect(() => checkFrozenModelBackboneOptions({ inputSize: 0.5 }, null, 'f: ')).toThrow(/inputSize must be a positive integer, got 0\.5/);
    expect(() => checkFrozenModelBackboneOptions({ mean: [0, 0] }, null, 'f: ')).toThrow(/^f: mean must be 3 finite numbers, got \[0, 0\]$/);
    expect(() => checkFrozenModelBackboneOptions({ std: ['1', 1, 1] }, null, 'f: ')).toThrow(/^f: std must be 3 finite positive numbers/);
    expect(() => checkFrozenModelBackboneOptions({ outputNode: '' }, 'graph', 'f: ')).toThrow(/^f: outputNode must be a non-empty string, got ""$/);
    expect(() => checkFrozenModelBackboneOptions({ outputNode: 'y' }, 'layers', 'f: ')).toThrow(/^f: outputNode must be absent for a layers model/);
    expect(() => new FrozenModelBackbone(tinyCnn(16), 'x' as unknown as FrozenModelBackboneOptions)).toThrow(/^FrozenModelBackbone: options must be an options object, got "x"$/);
  });
});

describe('FrozenModelBackbone (graph model)', () => {
  it('embeds the only output or a named node; a 4-D node is pooled; checks several outputs, unknown nodes, 3-D outputs', async () => {
    const g = await graphModel();
    expect(() => new FrozenModelBackbone(g, { inputSize: 8 })).toThrow(/the graph model has 2 outputs \(y, rowMean\): pass options\.outputNode/);
    expect(() => new FrozenModelBackbone(g, { outputNode: 'y' })).toThrow(/pass options\.inputSize/);
    const before = tf.memory().numTensors;
    expect(() => new FrozenModelBackbone(g, { inputSize: 8, outputNode: 'nope' })).toThrow(
      /FrozenModelBackbone: cannot run the graph model to node "nope": .*nope/,
    );
    expect(() => new FrozenModelBackbone(g, { inputSize: 8, outputNode: 'rowMean' })).toThrow(
      /expected a model output \[N, D\] or \[N, h, w, C\], got \[1, 8, 3\]/,
    );
    expect(tf.memory().numTensors).toBe(before);
    const y = new FrozenModelBackbone(g, { inputSize: 8, outputNode: 'y', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] });
    const act = new FrozenModelBackbone(await graphModel(), { inputSize: 8, outputNode: 'act', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] });
    expect([y.architecture, y.embeddingSize, act.embeddingSize]).toEqual(['tfjs-graph', 2, 3]);
    const x = images(3, 8);
    const start = tf.memory().numTensors;
    const zy = y.embed(x);
    const za = act.embed(x);
    expect(tf.memory().numTensors).toBe(start + 2);
    // independent computation: relu((x/255 − 0.5)/0.5), mean over H, W, then · w
    const [pooled, want] = tf.tidy(() => {
      const p = tf.mean(tf.relu(tf.div(tf.sub(tf.div(x, 255), 0.5), 0.5)), [1, 2]);
      return [p, tf.matMul(p, tf.tensor2d([1, -1, 2, 0.5, -3, 1], [3, 2]))];
    });
    expect(maxDiff(za, pooled!)).toBeLessThan(TOL);
    expect(maxDiff(zy, want!)).toBeLessThan(TOL);
    tf.dispose([x, zy, za, pooled!, want!]);
    y.dispose();
    act.dispose();
  });

  it('runs a model with a fixed batch size in chunks of that size, padding the last one', async () => {
    const fixed = new FrozenModelBackbone(await graphModel(undefined, 2), { inputSize: 8, outputNode: 'y' });
    const any = new FrozenModelBackbone(await graphModel(), { inputSize: 8, outputNode: 'y' });
    expect(fixed.embeddingSize).toBe(2);
    const x = images(5, 8);
    const before = tf.memory().numTensors;
    for (const n of [5, 2, 1, 0]) {
      const part = tf.slice(x, 0, n);
      const z = fixed.embed(part);
      const want = any.embed(part);
      expect(z.shape).toEqual([n, 2]);
      if (n > 0) expect(maxDiff(z, want)).toBeLessThan(TOL);
      tf.dispose([part, z, want]);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(x);
    fixed.dispose();
    any.dispose();
  });

  it('feeds an int32-input model rounded (not truncated) values and pools its int32 output as float', async () => {
    const json = tinyIntImageGraphJson();
    const load = async (): Promise<tf.GraphModel> =>
      tf.loadGraphModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: [], weightData: new ArrayBuffer(0) }));
    // (2/255 − 0) / (3/255) = 0.667 → 1 (a cast alone gives 0)
    const thirds = new FrozenModelBackbone(await load(), { inputSize: 2, mean: [0, 0, 0], std: [3 / 255, 3 / 255, 3 / 255] });
    const before = tf.memory().numTensors;
    const x = tf.fill([1, 2, 2, 3], 2);
    const z = thirds.embed(x);
    expect(z.dtype).toBe('float32');
    expect(Array.from(z.dataSync())).toEqual([1, 1, 1]);
    // mean of 1, 2, 1, 2 is 1.5 (an int32 mean gives 1)
    const raw = new FrozenModelBackbone(await load(), { inputSize: 2, inputRange: 'normalized' });
    const y = tf.tensor4d([1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2], [1, 2, 2, 3], 'int32');
    const zr = raw.embed(y);
    expect(Array.from(zr.dataSync())).toEqual([1.5, 1.5, 1.5]);
    tf.dispose([x, z, y, zr]);
    expect(tf.memory().numTensors).toBe(before);
    thirds.dispose();
    raw.dispose();
  });

  it('has a content id that changes with the weights and the output node', async () => {
    const a = new FrozenModelBackbone(await graphModel(), { inputSize: 8, outputNode: 'y' });
    const b = new FrozenModelBackbone(await graphModel(), { inputSize: 8, outputNode: 'y' });
    const c = new FrozenModelBackbone(await graphModel([1, -1, 2, 0.5, -3, 1.5]), { inputSize: 8, outputNode: 'y' });
    const d = new FrozenModelBackbone(await graphModel(), { inputSize: 8, outputNode: 'pooled' });
    const before = tf.memory().numTensors;
    const id = await backboneFingerprint(a);
    expect(tf.memory().numTensors).toBe(before);
    expect(id).toMatch(/^tfjs-graph-[0-9a-f]{24}$/);
    expect(await backboneFingerprint(b)).toBe(id);
    expect(await backboneFingerprint(c)).not.toBe(id);
    expect(await backboneFingerprint(d)).not.toBe(id);
    [a, b, c, d].forEach((m) => m.dispose());
    expect(tf.memory().numTensors).toBe(before - 4 * 3);
  });
});
