import * as tf from '@tensorflow/tfjs';
import { listCpuFallbackKernels } from './cpuFallbackKernels.js';

/** What the active tfjs backend is and can do (see {@link describeBackend}). */
export interface BackendDescription {
  /** `tf.getBackend()`, e.g. `'wasm'`. */
  name: string;
  /** Bits of float precision of the backend's storage: 32, or 16 on WebGL devices without float32 textures. */
  floatPrecision: 16 | 32;
  /** Whether computation is in float32 (false only on float16 WebGL). */
  float32: boolean;
  /** wasm: threads of the XNNPACK pool (1 in Node, where tfjs disables wasm threads); null elsewhere. */
  threads: number | null;
  /** wasm: whether the runtime validates WebAssembly SIMD (the SIMD binary is then used); null elsewhere. */
  simd: boolean | null;
  /** webgpu: the adapter as "vendor architecture" (e.g. "google swiftshader"); null elsewhere or when unknown. */
  adapter: string | null;
  /** webgl: the WebGL version (1 or 2); null elsewhere. */
  webglVersion: number | null;
  /** Kernels registered for this backend. */
  kernelCount: number;
  /** Kernels served by CPU fallbacks ({@link registerCpuFallbackKernels}); empty when none. */
  cpuFallbackKernels: readonly string[];
  /** Whether tfjs runs in Node. */
  node: boolean;
}

/**
 * Describe the active tfjs backend: its name, float precision and backend-specific features (wasm threads and SIMD,
 * the WebGPU adapter, the WebGL version) and the CPU-fallback kernels registered on it.
 *
 * @returns a {@link BackendDescription}.
 * @throws Error when no backend is active (call {@link initBackend} first)
 * @example
 * ```ts
 * await initBackend('wasm');
 * const d = await describeBackend(); // { name: 'wasm', float32: true, simd: true, threads: 1, … }
 * ```
 */
export async function describeBackend(): Promise<BackendDescription> {
  const name = tf.getBackend() as string | null | undefined;
  if (name === null || name === undefined) throw new Error('describeBackend: no tfjs backend is active; call initBackend first');
  const backend = tf.backend();
  const floatPrecision = backend.floatPrecision() === 16 ? 16 : 32;
  let threads: number | null = null;
  let simd: boolean | null = null;
  let adapter: string | null = null;
  let webglVersion: number | null = null;
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    threads = wasm.getThreadsCount();
    simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  } else if (name === 'webgpu') {
    const info = (backend as unknown as { adapterInfo?: { vendor?: string; architecture?: string } }).adapterInfo;
    const text = [info?.vendor, info?.architecture].filter((s) => typeof s === 'string' && s.length > 0).join(' ');
    adapter = text.length > 0 ? text : null;
  } else if (name === 'webgl') {
    webglVersion = tf.env().getNumber('WEBGL_VERSION');
  }
  return {
    name,
    floatPrecision,
    float32: floatPrecision === 32,
    threads,
    simd,
    adapter,
    webglVersion,
    kernelCount: tf.getKernelsForBackend(name).length,
    cpuFallbackKernels: listCpuFallbackKernels(name),
    node: tf.env().getBool('IS_NODE'),
  };
}
