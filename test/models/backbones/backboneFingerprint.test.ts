import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { backboneFingerprint } from '../../../src/models/backbones/backboneFingerprint.js';
import { createBackbone } from '../../../src/models/backbones/createBackbone.js';
import type { VitBackbone } from '../../../src/models/backbones/vitBackbone.js';
import { fixtureWeights } from './backboneFixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const vit = (seed: number): ReturnType<typeof createBackbone> =>
  createBackbone('vit_small_patch16_224', { inputSize: 32, seed, architecture: { dim: 48, depth: 2, heads: 6 }, lora: { rank: 4, alpha: 8, targets: ['qkv', 'proj'] } });

describe('backboneFingerprint', () => {
  it('is equal for equal weights and changes with any weight change (load, merge) but not the layer name', async () => {
    const [a, b, c] = [vit(1), vit(1), vit(2)];
    const id = await backboneFingerprint(a);
    expect(id).toMatch(/^vit-[0-9a-f]{24}$/);
    expect(await backboneFingerprint(b)).toBe(id); // other layer name, same weights
    expect(await backboneFingerprint(c)).not.toBe(id);
    a.loadTorchWeights(fixtureWeights('vit_lora_small'));
    const loaded = await backboneFingerprint(a);
    expect(loaded).not.toBe(id);
    (a as VitBackbone).mergeLora();
    expect(await backboneFingerprint(a)).not.toBe(loaded);
    const before = tf.memory().numTensors;
    await backboneFingerprint(a);
    expect(tf.memory().numTensors).toBe(before);
    [a, b, c].forEach((m) => m.dispose());
  });
});
