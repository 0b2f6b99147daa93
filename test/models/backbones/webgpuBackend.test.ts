/**
 * The backbones on the tfjs `webgpu` backend in Node (Dawn on SwiftShader's CPU Vulkan driver, installed by CI through
 * Debian's chromium): the same PyTorch fixtures must be matched as on cpu, within max |Δ| ≤ 1e-4 · max |output|.
 */
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/backend/initBackend.js';
import { SWIFTSHADER_ICD_PATH } from '../../../src/backend/installNodeWebGpu.js';
import { createBackbone } from '../../../src/models/backbones/createBackbone.js';
import type { BackboneName, CreateBackboneOptions } from '../../../src/models/backbones/createBackbone.js';
import { activeBackend, restoreBackend } from '../../backend/helpers/withBackend.js';
import { fixtureIo, fixtureWeights, TOLERANCE } from './backboneFixtures.js';

const ICD = process.env['VK_ICD_FILENAMES'] ?? SWIFTSHADER_ICD_PATH;
const HAS_ICD = ICD.split(':').every((p) => p.length > 0 && existsSync(p));
if (!HAS_ICD) console.warn(`webgpuBackend.test.ts: SKIPPED: Vulkan ICD ${ICD} not found (install Debian's chromium)`);

const CASES: [string, BackboneName, CreateBackboneOptions][] = [
  ['resnet18_small', 'resnet18', { inputSize: 64, architecture: { widths: [8, 16, 24, 32] } }],
  ['convnext_small', 'convnext_tiny', { inputSize: 64, architecture: { dims: [8, 16, 24, 32], depths: [1, 1, 2, 1] } }],
  ['vit_small', 'vit_small_patch16_224', { inputSize: 32, architecture: { dim: 48, depth: 2, heads: 6 } }],
  [
    'vit_lora_small',
    'vit_small_patch16_224',
    { inputSize: 32, architecture: { dim: 48, depth: 2, heads: 6 }, lora: { rank: 4, alpha: 8, targets: ['qkv', 'proj'] } },
  ],
];

describe.skipIf(!HAS_ICD)('backbones on the webgpu backend (Dawn + SwiftShader)', () => {
  let saved: string | null;
  beforeAll(async () => {
    saved = activeBackend();
    await initBackend('webgpu', { nodeWebGpu: { vulkanIcd: ICD } });
  });
  afterAll(async () => {
    await restoreBackend(saved);
  });

  for (const [fixture, name, options] of CASES) {
    it(`${fixture}: matches PyTorch to 1e-4 relative on webgpu, no leak`, async () => {
      expect(tf.getBackend()).toBe('webgpu');
      const backbone = createBackbone(name, options);
      backbone.loadTorchWeights(fixtureWeights(fixture));
      const { input, output } = fixtureIo(fixture);
      const before = tf.memory().numTensors;
      const z = backbone.embed(input);
      // webgpu in Node has no synchronous read-back (dataSync needs OffscreenCanvas): compare on the host
      const [got, want] = await Promise.all([z.data(), output.data()]);
      expect(got.length).toBe(want.length);
      let diff = 0;
      let scale = 0;
      for (let i = 0; i < want.length; i++) {
        diff = Math.max(diff, Math.abs(got[i]! - want[i]!));
        scale = Math.max(scale, Math.abs(want[i]!));
      }
      console.log(`[webgpu] ${fixture}: max |Δ| ${diff.toExponential(2)}, relative ${(diff / scale).toExponential(2)}`);
      expect(diff).toBeLessThanOrEqual(TOLERANCE * scale);
      z.dispose();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([input, output]);
      backbone.dispose();
    });
  }
});
