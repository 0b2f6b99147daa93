import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { WeightMappingError } from '../../../src/io/safetensors/weightMappingError.js';
import { serializeSafetensors } from '../../../src/io/safetensors/serializeSafetensors.js';
import { parseSafetensors } from '../../../src/io/safetensors/parseSafetensors.js';
import { RESNET18_CONFIG, ResNetBackbone } from '../../../src/models/backbones/resNetBackbone.js';
import { fixtureIo, fixtureWeights, fullSizeKeys, maxDiff, TOLERANCE } from './backboneFixtures.js';

const SMALL = { ...RESNET18_CONFIG, widths: [8, 16, 24, 32], inputSize: 64 };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('ResNetBackbone', () => {
  it('matches PyTorch (torchvision BasicBlocks, random weights and BN statistics) to 1e-4 relative', () => {
    const backbone = new ResNetBackbone(SMALL);
    backbone.loadTorchWeights(fixtureWeights('resnet18_small'));
    const { input, output } = fixtureIo('resnet18_small');
    const z = backbone.embed(input);
    expect(z.shape).toEqual([2, 32]);
    const { diff, scale } = maxDiff(z, output);
    expect(scale).toBeGreaterThan(1);
    expect(diff).toBeLessThanOrEqual(TOLERANCE * scale);
    tf.dispose([z, input, output]);
    backbone.dispose();
  });

  it('declares exactly the parameters of torchvision resnet18 (names and shapes, minus fc and counters)', () => {
    const backbone = new ResNetBackbone(RESNET18_CONFIG);
    const expected = Object.entries(fullSizeKeys('resnet18')).filter(
      ([k]) => !k.startsWith('fc.') && !k.endsWith('num_batches_tracked'),
    );
    expect(Object.fromEntries(backbone.torchShapes)).toEqual(Object.fromEntries(expected));
    expect(backbone.embeddingSize).toBe(512);
    backbone.dispose();
  });

  it('strict loading names a missing, an unexpected and a wrongly shaped tensor, and changes nothing', () => {
    const backbone = new ResNetBackbone(SMALL);
    const file = fixtureWeights('resnet18_small');
    const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
    for (const name of file.names) {
      const t = file.tensor(name);
      tensors[name] = { shape: t.shape, data: t.data as Float32Array };
    }
    delete tensors['layer2.0.bn1.running_var'];
    tensors['layer9.weight'] = { shape: [1], data: new Float32Array(1) };
    tensors['conv1.weight'] = { shape: [8, 3, 5, 5], data: new Float32Array(8 * 3 * 25) };
    const before = backbone.parameters.get('layer1.0.conv1.weight')!.read().dataSync().slice();
    let error: unknown;
    try {
      backbone.loadTorchWeights(tensors);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WeightMappingError);
    const message = (error as Error).message;
    expect(message).toContain('layer2.0.bn1.running_var');
    expect(message).toContain('layer9.weight');
    expect(message).toMatch(/conv1\.weight.*\[5, 5, 3, 8\].*\[7, 7, 3, 8\]/);
    expect(backbone.parameters.get('layer1.0.conv1.weight')!.read().dataSync()).toEqual(before);
    // non-strict: the rest loads, the problems come back
    const warnings = backbone.loadTorchWeights(tensors, { strict: false });
    expect(warnings.map((w) => w.kind).sort()).toEqual(['missing', 'shape', 'unexpected']);
    backbone.dispose();
  });

  it('loads F16 and BF16 checkpoints (values rounded as stored)', () => {
    const file = fixtureWeights('resnet18_small');
    for (const dtype of ['F16', 'BF16'] as const) {
      const tensors = Object.fromEntries(
        file.names.map((n) => {
          const t = file.tensor(n);
          return [n, { dtype, shape: t.shape, data: t.data as Float32Array }];
        }),
      );
      const converted = parseSafetensors(serializeSafetensors(tensors));
      const a = new ResNetBackbone(SMALL);
      a.loadTorchWeights(converted);
      const w = a.parameters.get('bn1.weight')!.read().dataSync();
      const stored = converted.tensor('bn1.weight').data as Float32Array;
      expect(Array.from(w)).toEqual(Array.from(stored));
      const { input, output } = fixtureIo('resnet18_small');
      const z = a.embed(input);
      const { diff, scale } = maxDiff(z, output);
      expect(diff).toBeLessThan((dtype === 'F16' ? 0.02 : 0.1) * scale); // rounding of the weights only
      tf.dispose([z, input, output]);
      a.dispose();
    }
  });

  it('normalises uint8-range input itself: normalized input gives the same embedding', () => {
    const a = new ResNetBackbone(SMALL);
    const b = new ResNetBackbone({ ...SMALL, inputRange: 'normalized' });
    a.loadTorchWeights(fixtureWeights('resnet18_small'));
    b.loadTorchWeights(fixtureWeights('resnet18_small'));
    const { input, output } = fixtureIo('resnet18_small');
    const normalized = tf.tidy(() =>
      tf.div(tf.sub(tf.div(input, 255), tf.tensor1d([0.485, 0.456, 0.406])), tf.tensor1d([0.229, 0.224, 0.225])),
    );
    const za = a.embed(input);
    const zb = b.embed(normalized);
    expect(maxDiff(za, zb).diff).toBeLessThan(1e-4);
    tf.dispose([za, zb, input, output, normalized]);
    a.dispose();
    b.dispose();
  });

  it('rejects input that is not [N, H, W, 3] and bad configs, naming them', () => {
    const backbone = new ResNetBackbone(SMALL);
    const x = tf.zeros([1, 64, 64, 4]);
    expect(() => backbone.embed(x)).toThrow(/resnet\.embed: expected images \[N, H, W, 3\], got \[1, 64, 64, 4\]/);
    x.dispose();
    backbone.dispose();
    expect(() => new ResNetBackbone({ ...SMALL, widths: [8, 16, 32] })).toThrow(/^ResNetBackbone: config\.widths must be 4 positive integers, got \[8, 16, 32\]$/);
    expect(() => new ResNetBackbone({ ...SMALL, inputSize: 0 })).toThrow(/inputSize must be a positive integer, got 0/);
  });

  it('leaks no tensor (embed, load)', () => {
    const backbone = new ResNetBackbone(SMALL);
    const x = tf.randomUniform([1, 64, 64, 3], 0, 255);
    const before = tf.memory().numTensors;
    backbone.loadTorchWeights(fixtureWeights('resnet18_small'));
    backbone.embed(x).dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    backbone.dispose();
  });
});
