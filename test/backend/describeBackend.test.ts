import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { listCpuFallbackKernels } from '../../src/backend/cpuFallbackKernels.js';
import { describeBackend } from '../../src/backend/describeBackend.js';
import { initBackend } from '../../src/backend/initBackend.js';
import { activeBackend, restoreBackend } from './helpers/withBackend.js';

const saved = activeBackend();
afterAll(async () => {
  await restoreBackend(saved);
});

describe('describeBackend', () => {
  it('fails before any backend is active (this file runs in a fresh process)', async () => {
    expect(activeBackend()).toBeNull();
    await expect(describeBackend()).rejects.toThrow('describeBackend: no tfjs backend is active; call initBackend first');
  });

  it('describes cpu: float32, no backend-specific features, no fallbacks', async () => {
    await initBackend('cpu');
    expect(await describeBackend()).toEqual({
      name: 'cpu',
      floatPrecision: 32,
      float32: true,
      threads: null,
      simd: null,
      adapter: null,
      webglVersion: null,
      kernelCount: tf.getKernelsForBackend('cpu').length,
      cpuFallbackKernels: [],
      node: true,
    });
  });

  it('describes wasm: one thread in Node, SIMD as the runtime validates it, and its CPU fallbacks', async () => {
    await initBackend('wasm');
    const d = await describeBackend();
    expect(d).toMatchObject({ name: 'wasm', floatPrecision: 32, float32: true, threads: 1, adapter: null, node: true });
    // Node 20's V8 validates wasm SIMD; the value must match tfjs's own feature flag.
    expect(d.simd).toBe(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    expect(d.cpuFallbackKernels).toEqual(listCpuFallbackKernels('wasm'));
    expect(d.cpuFallbackKernels).toContain('Conv2DBackpropFilter');
    expect(d.kernelCount).toBe(tf.getKernelsForBackend('wasm').length);
  });
});
