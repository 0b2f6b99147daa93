import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backbone } from '../../../src/models/backbones/backbone.js';
import { buildBackbone, checkBackboneSpec, describeBackboneSpec, isModelBackboneSpec } from '../../../src/models/backbones/backboneSpec.js';
import type { BackboneSpec, NamedBackboneSpec } from '../../../src/models/backbones/backboneSpec.js';
import { FrozenModelBackbone } from '../../../src/models/backbones/frozenModelBackbone.js';
import { writeTinyImageGraph } from './tinyImageModels.js';

let root = '';

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'lymphomix-spec-'));
  await writeTinyImageGraph(join(root, 'graph'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const NAMED: NamedBackboneSpec = { name: 'resnet18', options: { inputSize: 32, seed: 1, architecture: { widths: [4, 4, 4, 8], depths: [1, 1, 1, 1] } } };

describe('BackboneSpec', () => {
  it('tells the two forms apart and describes them', () => {
    const model: BackboneSpec = { model: { url: 'models/cnn', kind: 'layers' } };
    expect([isModelBackboneSpec(NAMED), isModelBackboneSpec(model)]).toEqual([false, true]);
    expect([describeBackboneSpec(NAMED), describeBackboneSpec(model)]).toEqual(['resnet18', 'tfjs layers model models/cnn']);
    expect(structuredClone(model)).toEqual(model); // sent to worker threads
  });

  it('checkBackboneSpec accepts both forms and names the function and the value otherwise', () => {
    expect(() => checkBackboneSpec(NAMED, 'f')).not.toThrow();
    expect(() => checkBackboneSpec({ model: { url: 'x', kind: 'graph' }, options: { outputNode: 'y' } }, 'f')).not.toThrow();
    expect(() => checkBackboneSpec(null as unknown as BackboneSpec, 'f')).toThrow(/^f: spec must be a backbone spec .*, got null$/);
    expect(() => checkBackboneSpec({ model: null } as unknown as BackboneSpec, 'f')).toThrow(/f: spec\.model\.url must be a non-empty .*, got null/);
    expect(() => checkBackboneSpec({ model: { url: 3, kind: 'graph' } } as unknown as BackboneSpec, 'f')).toThrow(/spec\.model\.url .*got 3/);
    expect(() => checkBackboneSpec({ model: { url: 'x', kind: 'keras' } } as unknown as BackboneSpec, 'f')).toThrow(
      /^f: spec\.model\.kind must be one of "layers", "graph", got "keras"$/,
    );
    expect(() => checkBackboneSpec({ ...NAMED, model: { url: 'x', kind: 'graph' } } as BackboneSpec, 'f')).toThrow(/either name .* or model .*, not both/);
  });

  it('checkBackboneSpec checks the model form\'s options, undefined keys, URL objects and relative file: URLs', () => {
    const model = (options: unknown): BackboneSpec => ({ model: { url: 'x', kind: 'graph' }, options } as BackboneSpec);
    expect(() => checkBackboneSpec(model({ inputSize: 0 }), 'f')).toThrow(/^f: spec\.options\.inputSize must be a positive integer, got 0$/);
    expect(() => checkBackboneSpec(model({ inputRange: 'raw' }), 'f')).toThrow(/^f: spec\.options\.inputRange must be one of "uint8", "normalized", got "raw"$/);
    expect(() => checkBackboneSpec(model({ mean: [0, 0] }), 'f')).toThrow(/^f: spec\.options\.mean must be 3 finite numbers, got \[0, 0\]$/);
    expect(() => checkBackboneSpec(model({ std: [1, -1, 1] }), 'f')).toThrow(/^f: spec\.options\.std must be 3 finite positive numbers/);
    expect(() => checkBackboneSpec(model('fast'), 'f')).toThrow(/^f: spec\.options must be an options object, got "fast"$/);
    expect(() => checkBackboneSpec({ model: { url: 'x', kind: 'layers' }, options: { outputNode: 'y' } }, 'f')).toThrow(
      /^f: spec\.options\.outputNode must be absent for a layers model/,
    );
    // an undefined key is an absent key
    const undefinedName = { name: undefined, model: { url: 'x', kind: 'graph' } } as unknown as BackboneSpec;
    expect(() => checkBackboneSpec(undefinedName, 'f')).not.toThrow();
    expect(isModelBackboneSpec(undefinedName)).toBe(true);
    expect(() => checkBackboneSpec({ ...NAMED, model: undefined } as unknown as BackboneSpec, 'f')).not.toThrow();
    expect(isModelBackboneSpec({ ...NAMED, model: undefined } as unknown as BackboneSpec)).toBe(false);
    const url = new URL('file:///models/cnn/model.json');
    expect(() => checkBackboneSpec({ model: { url, kind: 'layers' } } as unknown as BackboneSpec, 'f')).toThrow(
      'f: spec.model.url must be a string (it is sent to worker threads): pass the URL\'s href "file:///models/cnn/model.json", got a URL object',
    );
    expect(() => checkBackboneSpec({ model: { url: 'file:models/cnn', kind: 'layers' } }, 'f')).toThrow(/^f: spec\.model\.url must be a path, or an absolute URL file:\/\/\/… .*not a relative file: URL.*, got "file:models\/cnn"$/);
    expect(() => checkBackboneSpec({ model: { url: 'file:///models/cnn', kind: 'layers' } }, 'f')).not.toThrow();
  });

  it('buildBackbone builds a Backbone from a name and a FrozenModelBackbone from a model location, without leaks', async () => {
    const before = tf.memory().numTensors;
    const named = await buildBackbone(NAMED);
    expect(named).toBeInstanceOf(Backbone);
    named.dispose();
    const frozen = await buildBackbone({ model: { url: join(root, 'graph'), kind: 'graph' }, options: { inputSize: 8, outputNode: 'y' } });
    expect(frozen).toBeInstanceOf(FrozenModelBackbone);
    expect([frozen.embeddingSize, frozen.inputSize]).toEqual([2, 8]);
    frozen.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
