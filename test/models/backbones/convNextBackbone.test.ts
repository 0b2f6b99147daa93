import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { WeightMappingError } from '../../../src/io/safetensors/weightMappingError.js';
import { CONVNEXT_CONFIGS, ConvNextBackbone } from '../../../src/models/backbones/convNextBackbone.js';
import { fixtureIo, fixtureWeights, fullSizeKeys, maxDiff, TOLERANCE } from './backboneFixtures.js';

const small = (convMlp: boolean): typeof CONVNEXT_CONFIGS.tiny => ({
  ...CONVNEXT_CONFIGS.tiny,
  inputSize: 64,
  depths: [1, 1, 2, 1],
  dims: [8, 16, 24, 32],
  convMlp,
});

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('ConvNextBackbone', () => {
  for (const [fixture, convMlp] of [
    ['convnext_small', false],
    ['convnext_convmlp_small', true],
  ] as const) {
    it(`matches PyTorch (timm names, conv_mlp=${convMlp}) to 1e-4 relative`, () => {
      const backbone = new ConvNextBackbone(small(convMlp));
      backbone.loadTorchWeights(fixtureWeights(fixture));
      const { input, output } = fixtureIo(fixture);
      const z = backbone.embed(input);
      expect(z.shape).toEqual([2, 32]);
      const { diff, scale } = maxDiff(z, output);
      expect(scale).toBeGreaterThan(0.5);
      expect(diff).toBeLessThanOrEqual(TOLERANCE * scale);
      tf.dispose([z, input, output]);
      backbone.dispose();
    });
  }

  it('a conv_mlp checkpoint does not load into a linear-MLP model (shape error names the tensor)', () => {
    const backbone = new ConvNextBackbone(small(false));
    expect(() => backbone.loadTorchWeights(fixtureWeights('convnext_convmlp_small'))).toThrow(WeightMappingError);
    expect(() => backbone.loadTorchWeights(fixtureWeights('convnext_convmlp_small'))).toThrow(
      /stages\.0\.blocks\.0\.mlp\.fc1\.weight.*\[32, 8, 1, 1\]/,
    );
    backbone.dispose();
  });

  for (const variant of ['atto', 'tiny'] as const) {
    it(`declares exactly the parameters of timm convnext_${variant} (minus head.fc)`, () => {
      const backbone = new ConvNextBackbone(CONVNEXT_CONFIGS[variant]);
      const expected = Object.entries(fullSizeKeys(`convnext_${variant}`)).filter(([k]) => !k.startsWith('head.fc.'));
      expect(Object.fromEntries(backbone.torchShapes)).toEqual(Object.fromEntries(expected));
      expect(backbone.embeddingSize).toBe(variant === 'atto' ? 320 : 768);
      backbone.dispose();
    });
  }

  it('rejects bad configs naming them', () => {
    expect(() => new ConvNextBackbone({ ...small(true), dims: [8, 16, 0, 32] })).toThrow(/^ConvNextBackbone: config\.dims must be 4 positive integers, got \[/);
  });

  it('leaks no tensor', () => {
    const backbone = new ConvNextBackbone(small(true));
    const x = tf.randomUniform([1, 64, 64, 3], 0, 255);
    const before = tf.memory().numTensors;
    backbone.loadTorchWeights(fixtureWeights('convnext_convmlp_small'));
    backbone.embed(x).dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    backbone.dispose();
  });
});
