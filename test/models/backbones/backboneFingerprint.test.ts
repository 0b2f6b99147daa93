import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { backboneFingerprint } from '../../../src/models/backbones/backboneFingerprint.js';
import { createBackbone } from '../../../src/models/backbones/createBackbone.js';
import type { ImageEmbedder } from '../../../src/models/backbones/imageEmbedder.js';
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

  it('keeps the ids of the built-in architectures (existing caches stay valid)', async () => {
    // Computed with the backboneFingerprint of commit e4b7f85, before it took any ImageEmbedder.
    const pinned = [
      ['resnet18', { architecture: { widths: [4, 4, 4, 8], depths: [1, 1, 1, 1] } }, 'resnet-73aba88d21a3495a17d29f29'],
      ['convnext_atto', { architecture: { dims: [8, 8, 8, 8], depths: [1, 1, 1, 1] } }, 'convnext-04ef5bb47ca33898f67219ee'],
      ['vit_small_patch16_224', { architecture: { dim: 48, depth: 2, heads: 6 } }, 'vit-271c0b596e798ebe5c15bd03'],
    ] as const;
    for (const [name, options, id] of pinned) {
      const backbone = createBackbone(name, { seed: 1, inputSize: 32, ...options });
      expect(await backboneFingerprint(backbone)).toBe(id);
      backbone.dispose();
    }
  });

  it('refuses an architecture label that could leave the cache folder', async () => {
    const embedder = (architecture: string): ImageEmbedder => ({
      architecture,
      embeddingSize: 1,
      inputSize: 1,
      inputRange: 'uint8',
      mean: [0, 0, 0],
      std: [1, 1, 1],
      embed: () => tf.zeros([0, 1]),
      fingerprintBytes: () => Promise.resolve([new Uint8Array([1])]),
      dispose: () => undefined,
    });
    expect(await backboneFingerprint(embedder('my-cnn2'))).toMatch(/^my-cnn2-[0-9a-f]{24}$/);
    for (const bad of ['../x', 'a/b', '', 'Resnet', '-a', 'a.b']) {
      await expect(backboneFingerprint(embedder(bad))).rejects.toThrow(
        `backboneFingerprint: architecture must match /^[a-z0-9][a-z0-9-]*$/ (it names the cache folder), got ${JSON.stringify(bad)}`,
      );
    }
  });
});
