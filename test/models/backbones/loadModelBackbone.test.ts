import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelIoError } from '../../../src/io/modelIo/modelIoError.js';
import { saveModelTo } from '../../../src/io/modelIo/saveModelTo.js';
import { backboneFingerprint } from '../../../src/models/backbones/backboneFingerprint.js';
import { FrozenModelBackbone } from '../../../src/models/backbones/frozenModelBackbone.js';
import { loadModelBackbone } from '../../../src/models/backbones/loadModelBackbone.js';
import { startFileServer } from '../../io/modelIo/modelServer.js';
import { tinyCnn, tinyImageGraphJson, writeTinyImageGraph } from './tinyImageModels.js';

let root = '';
let server: Awaited<ReturnType<typeof startFileServer>>;

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'lymphomix-model-backbone-'));
  const model = tinyCnn(16);
  await saveModelTo(model, join(root, 'cnn'));
  model.dispose();
  await writeTinyImageGraph(join(root, 'graph'));
  // the same models with a model.json without `format`
  const { format: _graphFormat, ...graphJson } = tinyImageGraphJson();
  await writeTinyImageGraph(join(root, 'graph-no-format'), undefined, graphJson);
  const again = tinyCnn(16);
  await saveModelTo(again, join(root, 'cnn-no-format'));
  again.dispose();
  const cnnJson = JSON.parse(await readFile(join(root, 'cnn-no-format', 'model.json'), 'utf8')) as Record<string, unknown>;
  delete cnnJson.format;
  await writeFile(join(root, 'cnn-no-format', 'model.json'), JSON.stringify(cnnJson));
  server = await startFileServer(root);
});

afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

describe('loadModelBackbone', () => {
  it('loads a layers model from a folder, its model.json, a file: URL and over http: the same backbone', async () => {
    const cnn = join(root, 'cnn');
    const sources = [cnn, join(cnn, 'model.json'), pathToFileURL(join(cnn, 'model.json')), `${server.baseUrl}/cnn/model.json`];
    const x = tf.randomUniform([2, 16, 16, 3], 0, 255, 'float32', 1);
    const before = tf.memory().numTensors;
    const ids: string[] = [];
    const outputs: number[][][] = [];
    for (const source of sources) {
      const backbone = await loadModelBackbone(source, 'layers');
      expect(backbone).toBeInstanceOf(FrozenModelBackbone);
      expect([backbone.architecture, backbone.embeddingSize, backbone.inputSize]).toEqual(['tfjs-layers', 4, 16]);
      ids.push(await backboneFingerprint(backbone));
      const z = backbone.embed(x);
      outputs.push(z.arraySync());
      z.dispose();
      backbone.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(new Set(ids).size).toBe(1);
    outputs.forEach((o) => expect(o).toEqual(outputs[0]));
    x.dispose();
  });

  it('loads a graph model with the wrapper options; a failed check disposes the loaded model', async () => {
    const before = tf.memory().numTensors;
    const backbone = await loadModelBackbone(join(root, 'graph'), 'graph', { inputSize: 8, outputNode: 'pooled', inputRange: 'normalized' });
    expect([backbone.architecture, backbone.embeddingSize, backbone.inputRange, backbone.outputNode]).toEqual(['tfjs-graph', 3, 'normalized', 'pooled']);
    const x = tf.fill([1, 8, 8, 3], -2);
    const z = backbone.embed(x);
    expect(z.arraySync()).toEqual([[0, 0, 0]]); // relu of negative input
    tf.dispose([x, z]);
    backbone.dispose();
    await expect(loadModelBackbone(join(root, 'graph'), 'graph', { inputSize: 8, outputNode: 'rowMean' })).rejects.toThrow(
      /FrozenModelBackbone: expected a model output \[N, D\] or \[N, h, w, C\], got \[1, 8, 3\]/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a model of the other kind, naming itself, the location and both kinds (format, else topology)', async () => {
    const before = tf.memory().numTensors;
    const graph = join(root, 'graph');
    await expect(loadModelBackbone(graph, 'layers', { inputSize: 8 })).rejects.toThrow(
      `loadModelBackbone: ${graph} holds a tfjs graph model (format "graph-model"), not a layers model: pass kind 'graph'`,
    );
    await expect(loadModelBackbone(join(root, 'cnn'), 'graph')).rejects.toThrow(
      /^loadModelBackbone: .*cnn holds a tfjs layers model \(format "layers-model"\), not a graph model: pass kind 'layers'$/,
    );
    await expect(loadModelBackbone(`${server.baseUrl}/graph/model.json`, 'layers')).rejects.toThrow(
      `loadModelBackbone: ${server.baseUrl}/graph/model.json holds a tfjs graph model (format "graph-model")`,
    );
    await expect(loadModelBackbone(pathToFileURL(join(root, 'cnn', 'model.json')), 'graph')).rejects.toThrow(/^loadModelBackbone: file:.*cnn\/model\.json holds a tfjs layers model/);
    await expect(loadModelBackbone(join(root, 'graph-no-format'), 'layers')).rejects.toThrow(/graph-no-format holds a tfjs graph model \(by its topology\), not a layers model/);
    await expect(loadModelBackbone(join(root, 'cnn-no-format'), 'graph')).rejects.toThrow(/cnn-no-format holds a tfjs layers model \(by its topology\), not a graph model/);
    // without format, the right kind still loads
    const a = await loadModelBackbone(join(root, 'graph-no-format'), 'graph', { inputSize: 8, outputNode: 'y' });
    const b = await loadModelBackbone(join(root, 'cnn-no-format'), 'layers');
    expect([a.embeddingSize, b.embeddingSize]).toEqual([2, 4]);
    a.dispose();
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('checks the wrapper options before reading anything', async () => {
    await expect(loadModelBackbone(join(root, 'none'), 'layers', { std: [1, 0, 1] })).rejects.toThrow(
      /^loadModelBackbone: options\.std must be 3 finite positive numbers, got \[1, 0, 1\]$/,
    );
    await expect(loadModelBackbone(join(root, 'none'), 'layers', { outputNode: 'y' })).rejects.toThrow(/^loadModelBackbone: options\.outputNode must be absent for a layers model/);
  });

  it('names the kind, the file or URL when it cannot load', async () => {
    await expect(loadModelBackbone(join(root, 'cnn'), 'onnx' as 'layers')).rejects.toThrow(/^loadModelBackbone: kind must be one of "layers", "graph", got "onnx"$/);
    const missing = await loadModelBackbone(join(root, 'none'), 'layers').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ModelIoError);
    expect((missing as Error).message).toMatch(/none.model\.json: model\.json not found/);
    await expect(loadModelBackbone(`${server.baseUrl}/none/model.json`, 'graph')).rejects.toThrow(/none\/model\.json/);
  });
});
