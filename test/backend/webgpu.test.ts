import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeBackend } from '../../src/backend/describeBackend.js';
import { initBackend } from '../../src/backend/initBackend.js';
import { SWIFTSHADER_ICD_PATH } from '../../src/backend/installNodeWebGpu.js';
import { convNetGradients, denseTrainingStep, expectClose } from './helpers/referenceNets.js';
import type { ConvNetResult } from './helpers/referenceNets.js';
import { activeBackend, restoreBackend } from './helpers/withBackend.js';

/**
 * WebGPU in Node through Dawn (`webgpu` package) on SwiftShader's CPU Vulkan driver. CI installs `chromium` (which
 * ships the ICD) and `libvulkan1` (the Vulkan loader) and sets VK_ICD_FILENAMES; these tests skip only when the ICD
 * file is absent (a developer machine without chromium).
 */
const ICD = process.env['VK_ICD_FILENAMES'] ?? SWIFTSHADER_ICD_PATH;
const HAS_ICD = ICD.split(':').every((p) => p.length > 0 && existsSync(p));
if (!HAS_ICD) {
  console.warn(
    `test/backend/webgpu.test.ts: SKIPPED: Vulkan ICD ${ICD} not found (install Debian's chromium for SwiftShader, ` +
      'or point VK_ICD_FILENAMES at a Vulkan driver manifest)',
  );
}

describe.skipIf(!HAS_ICD)('initBackend: webgpu (Dawn + SwiftShader)', () => {
  let saved: string | null;
  let cpuConv: ConvNetResult;
  let cpuDense: Float32Array[];

  beforeAll(async () => {
    saved = activeBackend();
    await initBackend('cpu');
    cpuConv = await convNetGradients();
    cpuDense = await denseTrainingStep();
    const selection = await initBackend('webgpu', { nodeWebGpu: { vulkanIcd: ICD } });
    expect(selection).toEqual({ backend: 'webgpu', reason: "'webgpu' requested", fallbacks: [] });
  });
  afterAll(async () => {
    await restoreBackend(saved);
  });

  it('runs a conv net forward + backward that agrees with cpu', async () => {
    await initBackend('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    const gpu = await convNetGradients();
    expectClose([gpu.loss], [cpuConv.loss], 'loss');
    for (const [name, grad] of Object.entries(cpuConv.grads)) expectClose(gpu.grads[name]!, grad, `d loss / d ${name}`);
  });

  it('runs a dense training step that agrees with cpu', async () => {
    await initBackend('webgpu');
    const gpu = await denseTrainingStep();
    cpuDense.forEach((w, i) => expectClose(gpu[i]!, w, `dense weight ${i}`));
  });

  it('describes a float32 backend with its adapter', async () => {
    await initBackend('webgpu');
    const d = await describeBackend();
    expect(d).toMatchObject({ name: 'webgpu', floatPrecision: 32, float32: true, threads: null, simd: null, node: true });
    expect(typeof d.adapter).toBe('string');
    if (ICD === SWIFTSHADER_ICD_PATH) expect(d.adapter).toMatch(/swiftshader/i);
  });

  it("is idempotent and 'auto' now prefers the existing navigator.gpu over wasm", async () => {
    expect((await initBackend('webgpu')).reason).toBe("'webgpu' requested (already active)");
    await initBackend('cpu');
    const auto = await initBackend('auto');
    expect(auto.backend).toBe('webgpu');
    expect(auto.fallbacks.map((f) => f.backend)).toEqual(['tensorflow']);
  });
});
