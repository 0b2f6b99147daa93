import * as tf from '@tensorflow/tfjs';
import { checkThat } from '../core/index.js';

/**
 * Kernels that gradients of common layers call and that a backend may lack; {@link registerCpuFallbackKernels}
 * registers a CPU fallback for each one the target backend does not have.
 *
 * Found by checking which kernels the gradients of conv2d / conv1d / conv2dTranspose / fused conv2d,
 * depthwiseConv2d / separableConv2d, max/avg pooling (2-D and 3-D), batchNorm, moments-based layer norm, erf-based
 * GELU, gather and resize call. On tfjs-backend-wasm 4.22 the missing ones are `Conv2DBackpropFilter`,
 * `DepthwiseConv2dNativeBackpropFilter`, `DepthwiseConv2dNativeBackpropInput` and `UnsortedSegmentSum` (the gradient
 * of `gather`); the forward `Einsum` is missing too. The others are listed so that a backend lacking them is covered.
 */
export const CPU_FALLBACK_KERNEL_CANDIDATES: readonly string[] = [
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  'Conv3DBackpropFilterV2',
  'Conv3DBackpropInputV2',
  'MaxPoolGrad',
  'AvgPoolGrad',
  'MaxPool3DGrad',
  'AvgPool3DGrad',
  'ResizeBilinearGrad',
  'ResizeNearestNeighborGrad',
  'LRNGrad',
  'EluGrad',
  'UnsortedSegmentSum',
  'Einsum',
];

/**
 * Native kernels known to give wrong results, per backend; {@link registerCpuFallbackKernels} replaces them by CPU
 * fallbacks (unless `replaceWrongKernels` is false).
 *
 * - wasm `MaxPoolGrad` (tfjs-backend-wasm 4.22) routes the gradient of some windows to the wrong position: for the
 *   2×2 window [[-1, 0], [-3, -2]] it sends it to -1 instead of 0, and for an all-zero window in the second image
 *   of a batch it drops it; the CPU kernel sends it to the first maximum. test/backend/cpuFallbackKernels.test.ts
 *   checks the replacement against the CPU backend on these windows.
 */
export const WRONG_NATIVE_KERNELS: Readonly<Record<string, readonly string[]>> = { wasm: ['MaxPoolGrad'] };

/** Options of {@link registerCpuFallbackKernels}. */
export interface CpuFallbackKernelOptions {
  /** Kernel names to cover when the backend lacks them. Defaults to {@link CPU_FALLBACK_KERNEL_CANDIDATES}. */
  kernels?: readonly string[];
  /** Replace the backend's {@link WRONG_NATIVE_KERNELS} by CPU fallbacks too. Defaults to `true`. */
  replaceWrongKernels?: boolean;
}

/** Which fallbacks this module registered, per backend (so that registration is idempotent and listable). */
const registered = new Map<string, Set<string>>();

type SyncBackend = tf.KernelBackend & {
  readSync(dataId: tf.DataId): tf.backend_util.BackendValues;
  write(values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType): tf.DataId;
};

/**
 * A kernel function for `backendName` that runs the CPU kernel: it reads the inputs from the target backend
 * (synchronously), writes them into the CPU backend, runs the CPU kernel, copies its outputs back into the target
 * backend and frees every CPU-side buffer.
 */
function cpuFallback(kernelName: string, backendName: string, cpuKernel: tf.KernelConfig): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const target = backend as SyncBackend;
    const cpu = tf.engine().findBackend('cpu') as SyncBackend | null;
    if (cpu === null) throw new Error(`${kernelName} CPU fallback on '${backendName}': the 'cpu' backend is not available`);
    // Some kernels (Einsum, AddN, Concat, Pack) receive their inputs as an array: keep that form.
    const cpuInputs = (Array.isArray(inputs) ? [] : {}) as tf.NamedTensorInfoMap;
    const owned: tf.DataId[] = [];
    try {
      for (const [key, info] of Object.entries(inputs)) {
        if (info === undefined) continue;
        if (info.dtype === 'string' || info.dtype === 'complex64') {
          throw new Error(`${kernelName} CPU fallback on '${backendName}': unsupported dtype ${info.dtype} for input '${key}'`);
        }
        const dataId = cpu.write(target.readSync(info.dataId), info.shape, info.dtype);
        owned.push(dataId);
        cpuInputs[key] = { dataId, shape: info.shape, dtype: info.dtype };
      }
      const out = cpuKernel.kernelFunc({ inputs: cpuInputs, backend: cpu, ...(attrs === undefined ? {} : { attrs }) });
      const outs = Array.isArray(out) ? out : [out];
      // Outputs may alias an input's buffer (the CPU backend then increments its refCount): disposing every output
      // once and every input once releases each buffer exactly as often as it was referenced.
      owned.push(...outs.map((o) => o.dataId));
      const copied = outs.map((o) => ({
        dataId: target.write(cpu.readSync(o.dataId), o.shape, o.dtype),
        shape: o.shape,
        dtype: o.dtype,
      }));
      return Array.isArray(out) ? copied : copied[0]!;
    } finally {
      for (const id of owned) cpu.disposeData(id);
    }
  };
}

/**
 * Register CPU-fallback kernels on `backendName` for every kernel of {@link CPU_FALLBACK_KERNEL_CANDIDATES} (or
 * `options.kernels`) that the CPU backend has and `backendName` lacks, and for its {@link WRONG_NATIVE_KERNELS}, so that e.g. fine-tuning a conv net works on
 * wasm. Each fallback copies its inputs to the CPU backend, runs the CPU kernel and writes the result back: correct
 * (the CPU kernel's result, bit for bit) but a round trip through JavaScript memory, so only for kernels the backend
 * does not implement. Needs a backend with synchronous reads (wasm, cpu; not webgpu/webgl).
 *
 * Idempotent: kernels already registered for `backendName` (natively or by an earlier call) are left alone.
 *
 * @param backendName - Target backend, e.g. `'wasm'`.
 * @param options - {@link CpuFallbackKernelOptions}.
 * @returns the kernel names that now have a CPU fallback on `backendName` (this call's and earlier calls'), sorted.
 * @throws Error when `backendName` is empty or is `'cpu'`
 * @example
 * await import('@tensorflow/tfjs-backend-wasm');
 * registerCpuFallbackKernels('wasm'); // ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', …]
 */
export function registerCpuFallbackKernels(backendName: string, options: CpuFallbackKernelOptions = {}): string[] {
  const ok = typeof backendName === 'string' && backendName.length > 0 && backendName !== 'cpu';
  checkThat(ok, 'registerCpuFallbackKernels', 'backendName', "a backend name other than 'cpu'", backendName);
  const names = options.kernels ?? CPU_FALLBACK_KERNEL_CANDIDATES;
  let mine = registered.get(backendName);
  if (mine === undefined) {
    mine = new Set();
    registered.set(backendName, mine);
  }
  const wrong = (options.replaceWrongKernels ?? true) ? (WRONG_NATIVE_KERNELS[backendName] ?? []) : [];
  for (const name of wrong) {
    if (mine.has(name) || tf.getKernel(name, 'cpu') === undefined) continue;
    if (tf.getKernel(name, backendName) !== undefined) tf.unregisterKernel(name, backendName);
  }
  for (const name of [...names, ...wrong]) {
    if (mine.has(name) || tf.getKernel(name, backendName) !== undefined) continue;
    const cpuKernel = tf.getKernel(name, 'cpu');
    if (cpuKernel === undefined) continue;
    tf.registerKernel({ kernelName: name, backendName, kernelFunc: cpuFallback(name, backendName, cpuKernel) });
    mine.add(name);
  }
  return [...mine].sort();
}

/**
 * The kernels that {@link registerCpuFallbackKernels} registered on `backendName`, sorted (empty when none).
 *
 * @example
 * listCpuFallbackKernels('wasm'); // ['Conv2DBackpropFilter', …] after initBackend('wasm')
 */
export function listCpuFallbackKernels(backendName: string): string[] {
  return [...(registered.get(backendName) ?? [])].sort();
}
