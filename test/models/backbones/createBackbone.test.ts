import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SafetensorsError } from '../../../src/io/safetensors/safetensorsError.js';
import { WeightMappingError } from '../../../src/io/safetensors/weightMappingError.js';
import { BACKBONE_NAMES, createBackbone } from '../../../src/models/backbones/createBackbone.js';
import { loadBackbone } from '../../../src/models/backbones/loadBackbone.js';
import { fixtureBytes, fixtureIo, fixtureWeights, maxDiff, TOLERANCE } from './backboneFixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const RESNET_SMALL = { inputSize: 64, architecture: { widths: [8, 16, 24, 32] } };

describe('createBackbone', () => {
  it('builds every backbone (shrunk): [2, 32, 32, 3] → [2, D = last width]', () => {
    const shrink = {
      resnet18: { widths: [4, 8, 8, 12] },
      vit_small_patch16_224: { dim: 12, depth: 1, heads: 2 },
    } as const;
    for (const name of BACKBONE_NAMES) {
      const arch = name.startsWith('convnext') ? { dims: [4, 8, 8, 12], depths: [1, 1, 1, 1] } : shrink[name as keyof typeof shrink];
      const b = createBackbone(name, { inputSize: 32, architecture: arch });
      const z = b.embed(tf.zeros([2, 32, 32, 3]));
      expect(z.shape, name).toEqual([2, 12]);
      z.dispose();
      b.dispose();
    }
  });

  it('rejects unknown names, foreign architecture fields and LoRA on a CNN, naming them', () => {
    expect(() => createBackbone('resnet50' as never)).toThrow(/^createBackbone: name must be one of "resnet18", .*, got "resnet50"$/);
    expect(() => createBackbone('resnet18', { architecture: { dim: 8 } })).toThrow(/resnet18 has no architecture field "dim"/);
    expect(() => createBackbone('convnext_tiny', { lora: { rank: 2, alpha: 2 } })).toThrow(/ViT only, not convnext_tiny/);
  });

  it('round-trips through tf.LayersModel save/load (config and weights) for every architecture', async () => {
    const cases = [
      createBackbone('resnet18', { inputSize: 32, seed: 1, architecture: { widths: [4, 8, 8, 12] } }),
      createBackbone('convnext_atto', { inputSize: 32, seed: 2, architecture: { dims: [4, 8, 8, 12], depths: [1, 1, 1, 1] } }),
      createBackbone('vit_small_patch16_224', {
        inputSize: 32,
        seed: 3,
        mean: [0.5, 0.5, 0.5],
        std: [0.5, 0.5, 0.5],
        architecture: { dim: 12, depth: 1, heads: 2 },
        lora: { rank: 2, alpha: 4, targets: ['qkv', 'fc2'] },
      }),
    ];
    const x = tf.randomUniform([2, 32, 32, 3], 0, 255, 'float32', 9);
    for (const b of cases) {
      // random non-default values everywhere (BN statistics, LoRA B) so a misplaced weight shows
      tf.tidy(() => b.weights.forEach((w, i) => w.write(tf.randomUniform(w.shape as number[], 0.5, 1.5, 'float32', i))));
      const model = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [32, 32, 3] }), b] });
      let artifacts: tf.io.ModelArtifacts | undefined;
      await model.save(tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }));
      const restored = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
      const [a, c] = [model.predict(x) as tf.Tensor, restored.predict(x) as tf.Tensor];
      expect(maxDiff(a, c).diff, b.architecture).toBe(0);
      expect(restored.trainableWeights.length).toBe(model.trainableWeights.length);
      tf.dispose([a, c]);
      restored.dispose();
      model.dispose();
    }
    x.dispose();
    expect(cases[2]!.trainableWeights.length).toBe(4); // only the adapters
  });
});

describe('loadBackbone', () => {
  it('loads a checkpoint from a path, a file: URL and bytes, matching PyTorch', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lymphomix-backbone-'));
    try {
      const path = join(dir, 'model.safetensors');
      await writeFile(path, fixtureBytes('resnet18_small'));
      const { input, output } = fixtureIo('resnet18_small');
      for (const source of [path, new URL(`file://${path}`), fixtureBytes('resnet18_small')]) {
        const b = await loadBackbone('resnet18', source, RESNET_SMALL);
        const z = b.embed(input);
        const { diff, scale } = maxDiff(z, output);
        expect(diff).toBeLessThanOrEqual(TOLERANCE * scale);
        z.dispose();
        b.dispose();
      }
      tf.dispose([input, output]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails clearly: missing file, wrong architecture (strict), and leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    await expect(loadBackbone('resnet18', '/nonexistent/model.safetensors')).rejects.toThrow(SafetensorsError);
    await expect(loadBackbone('resnet18', fixtureWeights('resnet18_small'))).rejects.toThrow(
      /layer4\.1\.conv2\.weight.*\[3, 3, 32, 32\].*\[3, 3, 512, 512\]/,
    );
    await expect(loadBackbone('convnext_tiny', fixtureWeights('resnet18_small'), { inputSize: 64 })).rejects.toThrow(
      WeightMappingError,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a ViT with LoRA loads a base checkpoint (fresh adapters) and a checkpoint with adapters', async () => {
    const arch = { inputSize: 32, architecture: { dim: 48, depth: 2, heads: 6 } };
    const base = await loadBackbone('vit_small_patch16_224', fixtureWeights('vit_small'), { ...arch, lora: { rank: 4, alpha: 8 } });
    const withAdapters = await loadBackbone('vit_small_patch16_224', fixtureWeights('vit_lora_small'), {
      ...arch,
      lora: { rank: 4, alpha: 8, targets: ['qkv', 'proj'] },
    });
    // adapters in the file but not in the model are unexpected
    await expect(loadBackbone('vit_small_patch16_224', fixtureWeights('vit_lora_small'), arch)).rejects.toThrow(/lora_A/);
    base.dispose();
    withAdapters.dispose();
  });
});

describe('createBackbone normalisation', () => {
  it('uses the given mean/std: uint8 input with (0.5, 0.5) equals normalized input (x/255 − 0.5)/0.5', () => {
    const arch = { inputSize: 32, seed: 3, architecture: { widths: [4, 8, 8, 12] } };
    const a = createBackbone('resnet18', { ...arch, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] });
    const b = createBackbone('resnet18', { ...arch, inputRange: 'normalized' });
    const x = tf.randomUniform([2, 32, 32, 3], 0, 255, 'float32', 5);
    const xn = tf.tidy(() => tf.div(tf.sub(tf.div(x, 255), 0.5), 0.5));
    const [za, zb] = [a.embed(x), b.embed(xn)];
    expect(maxDiff(za, zb).diff).toBeLessThan(1e-4 * maxDiff(zb, zb).scale);
    expect(a.getConfig()['mean']).toEqual([0.5, 0.5, 0.5]);
    expect(() => createBackbone('resnet18', { ...arch, std: [0.5, 0, 0.5] })).toThrow(/std must be 3 finite positive numbers, got \[0\.5, 0, 0\.5\]/);
    tf.dispose([x, xn, za, zb]);
    a.dispose();
    b.dispose();
  });
});

describe('createBackbone: reproducible random weights', () => {
  it('the default seed 0 gives the same weights twice (tfjs treats an initialiser seed of 0 as unseeded)', async () => {
    const options = { inputSize: 32, architecture: { widths: [4, 4, 4, 4] } } as const;
    const a = createBackbone('resnet18', options);
    const b = createBackbone('resnet18', options);
    a.embed(tf.zeros([1, 32, 32, 3])).dispose();
    b.embed(tf.zeros([1, 32, 32, 3])).dispose();
    const wa = a.getWeights();
    const wb = b.getWeights();
    expect(wa.length).toBeGreaterThan(0);
    for (let i = 0; i < wa.length; i++) expect(Array.from(await wa[i]!.data())).toEqual(Array.from(await wb[i]!.data()));
    a.dispose();
    b.dispose();
  });
});
