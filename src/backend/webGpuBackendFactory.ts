import * as tf from '@tensorflow/tfjs';
import { currentNavigatorGpu } from './installNodeWebGpu.js';

/** The adapter fields used here (WebGPU's `GPUAdapter`), typed loosely so that WebGPU's types are not needed. */
interface AdapterLike {
  features: { has(name: string): boolean };
  limits: Record<string, number>;
  info?: unknown;
  requestDevice(descriptor: unknown): Promise<unknown>;
}

type WebGpuBackendClass = new (device: unknown, adapterInfo?: unknown) => tf.KernelBackend;

/**
 * Request the adapter the way tfjs-backend-webgpu does (power preference from the `WEBGPU_USE_LOW_POWER_GPU` flag).
 *
 * @returns the adapter, or null when the platform offers none
 */
export async function requestWebGpuAdapter(): Promise<AdapterLike | null> {
  const gpu = currentNavigatorGpu();
  if (gpu === undefined) return null;
  const lowPower = tf.env().getBool('WEBGPU_USE_LOW_POWER_GPU');
  return ((await gpu.requestAdapter({ powerPreference: lowPower ? 'low-power' : 'high-performance' })) ?? null) as AdapterLike | null;
}

/**
 * A factory for the `'webgpu'` backend equivalent to the one tfjs-backend-webgpu registers at import time, which it
 * registers only when `navigator.gpu` exists at that moment: in Node, the package may have been imported before
 * {@link installNodeWebGpu} ran. Same device request as the package (timestamp queries when offered, the adapter's
 * limits), but fails with a clear message when there is no adapter.
 *
 * @param WebGPUBackend - The backend class exported by `@tensorflow/tfjs-backend-webgpu`.
 */
export function webGpuBackendFactory(WebGPUBackend: WebGpuBackendClass): () => Promise<tf.KernelBackend> {
  return async () => {
    const adapter = await requestWebGpuAdapter();
    if (adapter === null) throw new Error('navigator.gpu.requestAdapter() returned no adapter');
    const requiredFeatures: string[] = [];
    if (adapter.features.has('timestamp-query')) requiredFeatures.push('timestamp-query');
    if (adapter.features.has('bgra8unorm-storage')) requiredFeatures.push('bgra8unorm-storage');
    const limits = adapter.limits;
    const device = await adapter.requestDevice({
      requiredFeatures,
      requiredLimits: {
        maxComputeWorkgroupStorageSize: limits['maxComputeWorkgroupStorageSize'],
        maxComputeWorkgroupsPerDimension: limits['maxComputeWorkgroupsPerDimension'],
        maxStorageBufferBindingSize: limits['maxStorageBufferBindingSize'],
        maxBufferSize: limits['maxBufferSize'],
        maxComputeWorkgroupSizeX: limits['maxComputeWorkgroupSizeX'],
        maxComputeInvocationsPerWorkgroup: limits['maxComputeInvocationsPerWorkgroup'],
      },
    });
    return new WebGPUBackend(device, adapter.info);
  };
}
