/**
 * One training step of the mixture of experts gives the same weights on webgpu (Dawn + SwiftShader in Node) as on
 * cpu, within max |Δ| ≤ 1e-4 · max |value| (the backends issue's bound), with attention pooling and the multitask head.
 */
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/initBackend.js';
import { SWIFTSHADER_ICD_PATH } from '../../src/backend/installNodeWebGpu.js';
import { MixtureOfExperts } from '../../src/models/index.js';
import { fitMixtureOfExperts } from '../../src/training/index.js';
import { expectClose } from '../backend/helpers/referenceNets.js';
import { activeBackend, restoreBackend } from '../backend/helpers/withBackend.js';
import { randomBags } from './modelTestUtils.js';

const ICD = process.env['VK_ICD_FILENAMES'] ?? SWIFTSHADER_ICD_PATH;
const HAS_ICD = ICD.split(':').every((p) => p.length > 0 && existsSync(p));
if (!HAS_ICD) console.warn(`webgpuTraining.test.ts: SKIPPED: Vulkan ICD ${ICD} not found (install Debian's chromium)`);

async function oneStep(): Promise<Float32Array[]> {
  const bags = randomBags({ patients: 6, imageDim: 12, handmadeDim: 5, minImages: 2, maxImages: 6, seed: 3 });
  const model = new MixtureOfExperts({ imageDim: 12, handmadeDim: 5, imageAggregator: 'attention', seed: 7 });
  await fitMixtureOfExperts(model, bags, { epochs: 1, batchSize: bags.length, seed: 0 });
  const weights = model.getWeights();
  const values = await Promise.all(weights.map(async (w) => Float32Array.from(await w.data())));
  model.dispose();
  return values;
}

describe.skipIf(!HAS_ICD)('mixture of experts: one training step on webgpu equals cpu', () => {
  let saved: string | null;
  beforeAll(() => {
    saved = activeBackend();
  });
  afterAll(async () => {
    await restoreBackend(saved);
  });

  it('gives the same weights after one AdamW step', async () => {
    await initBackend('cpu');
    const cpu = await oneStep();
    await initBackend('webgpu', { nodeWebGpu: { vulkanIcd: ICD } });
    expect(tf.getBackend()).toBe('webgpu');
    const gpu = await oneStep();
    expect(gpu).toHaveLength(cpu.length);
    cpu.forEach((w, i) => expectClose(gpu[i]!, w, `weight ${i}`));
  });
});
