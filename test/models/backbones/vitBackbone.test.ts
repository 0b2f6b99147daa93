import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { VIT_SMALL_CONFIG, VitBackbone } from '../../../src/models/backbones/vitBackbone.js';
import type { VitConfig } from '../../../src/models/backbones/vitBackbone.js';
import { fixtureIo, fixtureWeights, fullSizeKeys, maxDiff, TOLERANCE } from './backboneFixtures.js';

const SMALL: VitConfig = { ...VIT_SMALL_CONFIG, inputSize: 32, dim: 48, depth: 2, heads: 6 };
/** As in the fixture script: rank-4 adapters (alpha 8) on qkv and proj. */
const LORA_FIXTURE: VitConfig = { ...SMALL, lora: { rank: 4, alpha: 8, targets: ['qkv', 'proj'] } };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('VitBackbone', () => {
  it('matches PyTorch (timm vit_small names, dim 48, depth 2, 32 px) to 1e-4 relative', () => {
    const vit = new VitBackbone(SMALL);
    vit.loadTorchWeights(fixtureWeights('vit_small'));
    const { input, output } = fixtureIo('vit_small');
    const z = vit.embed(input);
    expect(z.shape).toEqual([2, 48]);
    const { diff, scale } = maxDiff(z, output);
    expect(scale).toBeGreaterThan(0.5);
    expect(diff).toBeLessThanOrEqual(TOLERANCE * scale);
    tf.dispose([z, input, output]);
    vit.dispose();
  });

  it('declares exactly the parameters of timm vit_small_patch16_224 (minus head)', () => {
    const vit = new VitBackbone(VIT_SMALL_CONFIG);
    const expected = Object.entries(fullSizeKeys('vit_small_patch16_224')).filter(([k]) => !k.startsWith('head.'));
    expect(Object.fromEntries(vit.torchShapes)).toEqual(Object.fromEntries(expected));
    vit.dispose();
  });

  it('rejects an input size that does not fit the position embedding, naming both', () => {
    const vit = new VitBackbone(SMALL);
    const x = tf.zeros([1, 48, 48, 3]);
    expect(() => vit.embed(x)).toThrow(/gives 10 tokens, the position embedding has 5/);
    x.dispose();
    vit.dispose();
    expect(() => new VitBackbone({ ...SMALL, heads: 5 })).toThrow(/^VitBackbone: config\.heads must be a divisor of config\.dim \(48\), got 5$/);
    expect(() => new VitBackbone({ ...SMALL, inputSize: 40 })).toThrow(/^VitBackbone: config\.inputSize must be a multiple of config\.patchSize \(16\), got 40$/);
    expect(() => new VitBackbone({ ...SMALL, lora: { rank: 0, alpha: 1 } })).toThrow(/lora\.rank/);
  });
});

describe('VitBackbone with LoRA', () => {
  it('matches PyTorch with non-zero adapters (qkv and proj, r = 4) to 1e-4 relative', () => {
    const vit = new VitBackbone(LORA_FIXTURE);
    vit.loadTorchWeights(fixtureWeights('vit_lora_small'));
    const { input, output } = fixtureIo('vit_lora_small');
    const z = vit.embed(input);
    const { diff, scale } = maxDiff(z, output);
    expect(diff).toBeLessThanOrEqual(TOLERANCE * scale);
    // the adapters matter: without them the output is far off
    const base = new VitBackbone({ ...SMALL });
    base.loadTorchWeights(fixtureWeights('vit_lora_small'), { ignore: [/lora_/] });
    const zb = base.embed(input);
    expect(maxDiff(zb, output).diff).toBeGreaterThan(100 * TOLERANCE * scale);
    tf.dispose([z, zb, input, output]);
    vit.dispose();
    base.dispose();
  });

  it('equals the base model when B = 0 (fresh adapters on a loaded checkpoint)', () => {
    const vit = new VitBackbone({ ...SMALL, lora: { rank: 3, alpha: 6, targets: ['qkv', 'fc1', 'fc2'] } });
    const base = new VitBackbone(SMALL);
    vit.loadTorchWeights(fixtureWeights('vit_small'));
    base.loadTorchWeights(fixtureWeights('vit_small'));
    const a = vit.loraWeights[0]!.read();
    expect(tf.tidy(() => tf.max(tf.abs(a)).dataSync()[0])).toBeGreaterThan(0); // A is random, B is zero
    const { input } = fixtureIo('vit_small');
    const z = vit.embed(input);
    const zb = base.embed(input);
    expect(maxDiff(z, zb).diff).toBe(0);
    tf.dispose([z, zb, input]);
    vit.dispose();
    base.dispose();
  });

  it('gradients flow only to the adapters; the base weights are frozen', () => {
    const vit = new VitBackbone(LORA_FIXTURE);
    vit.loadTorchWeights(fixtureWeights('vit_lora_small'));
    const { input, output } = fixtureIo('vit_lora_small');
    const all = [...vit.parameters.values()].map((v) => v.read() as tf.Variable);
    const loraNames = new Set(vit.loraWeights.map((v) => (v.read() as tf.Variable).name));
    expect(loraNames.size).toBe(8); // 2 blocks × (qkv, proj) × (A, B)
    expect(vit.trainableWeights.map((w) => (w.read() as tf.Variable).name).sort()).toEqual([...loraNames].sort());
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(vit.embed(input))) as tf.Scalar, all);
    for (const v of all) {
      const g = grads[v.name];
      if (loraNames.has(v.name)) {
        expect(g, v.name).toBeDefined();
        expect(tf.tidy(() => tf.max(tf.abs(g!)).dataSync()[0]), v.name).toBeGreaterThan(0);
      } else {
        expect(g ?? null, v.name).toBeNull();
      }
    }
    tf.dispose([value, ...Object.values(grads).filter((g): g is tf.Tensor => g !== null), input, output]);
    vit.dispose();
  });

  it('merge folds the adapters into W (same output), unmerge restores W', () => {
    const vit = new VitBackbone(LORA_FIXTURE);
    vit.loadTorchWeights(fixtureWeights('vit_lora_small'));
    const { input } = fixtureIo('vit_lora_small');
    const w0 = vit.parameters.get('blocks.0.attn.qkv.weight')!.read().dataSync().slice();
    const z0 = vit.embed(input);
    vit.mergeLora();
    expect(vit.loraMerged).toBe(true);
    expect(() => vit.mergeLora()).toThrow(/VitBackbone\.mergeLora: adapters are already merged/);
    const z1 = vit.embed(input);
    expect(maxDiff(z1, z0).diff).toBeLessThan(1e-4 * maxDiff(z0, z0).scale);
    const w1 = vit.parameters.get('blocks.0.attn.qkv.weight')!.read().dataSync();
    expect(Math.max(...w1.map((v, i) => Math.abs(v - w0[i]!)))).toBeGreaterThan(1e-3);
    vit.unmergeLora();
    const w2 = vit.parameters.get('blocks.0.attn.qkv.weight')!.read().dataSync();
    expect(Math.max(...w2.map((v, i) => Math.abs(v - w0[i]!)))).toBeLessThan(1e-5);
    expect(() => vit.unmergeLora()).toThrow(/not merged/);
    expect(() => new VitBackbone(SMALL).mergeLora()).toThrow(/has no LoRA adapters/);
    tf.dispose([z0, z1, input]);
    vit.dispose();
  });

  it('leaks no tensor (embed, merge, unmerge, gradients)', () => {
    const vit = new VitBackbone(LORA_FIXTURE);
    const x = tf.randomUniform([1, 32, 32, 3], 0, 255);
    const before = tf.memory().numTensors;
    vit.loadTorchWeights(fixtureWeights('vit_lora_small'));
    vit.embed(x).dispose();
    vit.mergeLora();
    vit.unmergeLora();
    const { value, grads } = tf.variableGrads(() => tf.sum(vit.embed(x)) as tf.Scalar, vit.loraWeights.map((w) => w.read() as tf.Variable));
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    vit.dispose();
  });
});
