/**
 * The backbones on the tfjs `wasm` backend (the fast CPU backend in Node and browsers) must agree with PyTorch
 * like on `cpu`, and LoRA gradients must flow there too.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackbone } from '../../../src/models/backbones/createBackbone.js';
import type { CreateBackboneOptions, BackboneName } from '../../../src/models/backbones/createBackbone.js';
import { fixtureIo, fixtureWeights, maxDiff, TOLERANCE } from './backboneFixtures.js';

const CASES: [string, BackboneName, CreateBackboneOptions][] = [
  ['resnet18_small', 'resnet18', { inputSize: 64, architecture: { widths: [8, 16, 24, 32] } }],
  ['convnext_small', 'convnext_tiny', { inputSize: 64, architecture: { dims: [8, 16, 24, 32], depths: [1, 1, 2, 1] } }],
  [
    'vit_lora_small',
    'vit_small_patch16_224',
    { inputSize: 32, architecture: { dim: 48, depth: 2, heads: 6 }, lora: { rank: 4, alpha: 8, targets: ['qkv', 'proj'] } },
  ],
];

describe('backbones on the wasm backend', () => {
  beforeAll(async () => {
    setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
    expect(await tf.setBackend('wasm')).toBe(true);
  });

  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  for (const [fixture, name, options] of CASES) {
    it(`${fixture}: matches PyTorch to 1e-4 relative on wasm, no leak`, () => {
      expect(tf.getBackend()).toBe('wasm');
      const backbone = createBackbone(name, options);
      backbone.loadTorchWeights(fixtureWeights(fixture));
      const { input, output } = fixtureIo(fixture);
      const before = tf.memory().numTensors;
      const z = backbone.embed(input);
      const { diff, scale } = maxDiff(z, output);
      expect(diff).toBeLessThanOrEqual(TOLERANCE * scale);
      z.dispose();
      expect(tf.memory().numTensors).toBe(before);
      if (options.lora !== undefined) {
        const lora = backbone.trainableWeights.map((w) => w.read() as tf.Variable);
        const { value, grads } = tf.variableGrads(() => tf.sum(backbone.embed(input)) as tf.Scalar, lora);
        expect(Object.keys(grads)).toHaveLength(8);
        tf.dispose([value, ...Object.values(grads)]);
      }
      tf.dispose([input, output]);
      backbone.dispose();
    });
  }
});
