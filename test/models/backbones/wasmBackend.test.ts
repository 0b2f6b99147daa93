/**
 * The backbones on the tfjs `wasm` backend (the fast CPU backend in Node and browsers) must agree with PyTorch
 * like on `cpu`, and LoRA gradients must flow there too. ConvNeXt's 7×7 depthwise convolution runs there as a sum of
 * dilated 3×3 ones (`depthwiseConv2dTorch`'s `'auto'`) and the ViT's attention as a loop of 2-D matMuls over the
 * heads (`attention`'s `'auto'`): both checked against the direct kernels, gradients included.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCpuFallbackKernels } from '../../../src/backend/cpuFallbackKernels.js';
import { attention, depthwiseConv2dTorch } from '../../../src/models/backbones/backboneOps.js';
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
    registerCpuFallbackKernels('wasm'); // depthwise gradient kernels, as initBackend does
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

  it('depthwiseConv2dTorch 7x7: the dilated 3x3 sum (auto on wasm) equals the direct kernel, values and gradients; no leak', () => {
    const x = tf.randomNormal([2, 14, 14, 16], 0, 1, 'float32', 51);
    const f = tf.randomNormal([7, 7, 16, 1], 0, 1, 'float32', 52);
    const b = tf.randomNormal([16], 0, 1, 'float32', 53);
    const w = tf.randomNormal([2, 14, 14, 16], 0, 1, 'float32', 54);
    const before = tf.memory().numTensors;
    const run = (method: 'direct' | 'dilated' | 'auto'): Float32Array[] =>
      tf.tidy(() => {
        const y = depthwiseConv2dTorch(x, f, b, 3, { method });
        const grads = tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(depthwiseConv2dTorch(a, c, d, 3, { method }), w)))([x, f, b]);
        return [y, ...grads].map((t) => t.dataSync() as Float32Array);
      });
    const direct = run('direct');
    for (const method of ['dilated', 'auto'] as const) {
      run(method).forEach((got, i) => {
        const want = direct[i]!;
        let diff = 0;
        let scale = 0;
        for (let j = 0; j < want.length; j++) {
          diff = Math.max(diff, Math.abs(got[j]! - want[j]!));
          scale = Math.max(scale, Math.abs(want[j]!));
        }
        expect(scale).toBeGreaterThan(0);
        expect(diff, `${method}, output ${i} (0: value, 1–3: d/dx, d/dfilter, d/dbias)`).toBeLessThanOrEqual(1e-5 * scale);
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, f, b, w]);
  });

  it("depthwiseConv2dTorch 'auto' picks the dilated form on wasm for 7x7 (9 kernels), the direct one for 3x3", async () => {
    const x = tf.randomNormal([1, 8, 8, 4]);
    const kernels = async (k: number): Promise<string[]> => {
      const f = tf.randomNormal([k, k, 4, 1]);
      const info = await tf.profile(() => depthwiseConv2dTorch(x, f, null, (k - 1) / 2));
      tf.dispose([f, info.result as tf.Tensor]);
      return info.kernels.map((e) => e.name).filter((n) => /DepthwiseConv2D|DepthwiseConv2dNative/i.test(n) && tf.getKernel(n, 'wasm') !== undefined);
    };
    expect(await kernels(7)).toHaveLength(9);
    expect(await kernels(3)).toHaveLength(1);
    x.dispose();
  });

  it("attention 'auto' loops over 2-D matMuls on wasm and equals the batched kernels, gradients included", async () => {
    const q = tf.randomNormal([2, 3, 7, 8], 0, 1, 'float32', 71);
    const k = tf.randomNormal([2, 3, 9, 8], 0, 1, 'float32', 72);
    const v = tf.randomNormal([2, 3, 9, 4], 0, 1, 'float32', 73);
    const before = tf.memory().numTensors;
    const run = (method: 'batched' | 'auto'): Float32Array[] =>
      tf.tidy(() => {
        const y = attention(q, k, v, 8 ** -0.5, { method }); // [2, 3, 7, 4]
        const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.square(attention(a, b, c, 8 ** -0.5, { method }))))([q, k, v]);
        return [y, ...grads].map((t) => t.dataSync() as Float32Array);
      });
    const want = run('batched');
    run('auto').forEach((got, i) => {
      let diff = 0;
      let scale = 0;
      for (let j = 0; j < want[i]!.length; j++) {
        diff = Math.max(diff, Math.abs(got[j]! - want[i]![j]!));
        scale = Math.max(scale, Math.abs(want[i]![j]!));
      }
      expect(diff, `output ${i} (0: value, 1–3: d/dq, d/dk, d/dv)`).toBeLessThanOrEqual(1e-5 * scale);
    });
    const info = await tf.profile(() => attention(q, k, v, 1));
    expect(info.kernels.filter((e) => e.name === 'BatchMatMul')).toHaveLength(12); // two 2-D products per (image, head)
    (info.result as tf.Tensor).dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([q, k, v]);
  });
});
