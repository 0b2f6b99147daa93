import * as tf from '@tensorflow/tfjs';
import { checkArray, checkInteger, checkOneOf, checkOptions } from '../core/index.js';
import { activateBackend, isBackendInstantiated } from './activateBackend.js';
import { BackendInitError, errorText } from './backendInitError.js';
import { AUTO_ORDER_BROWSER, AUTO_ORDER_NODE, BACKEND_NAMES } from './backendNames.js';
import type { BackendName, ConcreteBackendName } from './backendNames.js';
import { registerCpuFallbackKernels } from './cpuFallbackKernels.js';
import { currentNavigatorGpu, installNodeWebGpu, SWIFTSHADER_ICD_PATH } from './installNodeWebGpu.js';
import type { NodeWebGpuOptions } from './installNodeWebGpu.js';
import { loadTfjsNode } from './loadTfjsNode.js';
import type { TfjsNodePackage } from './loadTfjsNode.js';
import { isNodeRuntime } from './runtime.js';
import type { ModuleImporter } from './runtime.js';
import { resolveWasmBinaryDir } from './wasmBinaryPaths.js';
import type { WasmPaths } from './wasmBinaryPaths.js';
import { requestWebGpuAdapter, webGpuBackendFactory } from './webGpuBackendFactory.js';

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /**
   * Where the wasm backend loads its `.wasm` binaries: a folder/URL prefix ending in `/`, or one path per binary.
   * Defaults, in Node, to the `dist/` folder of the installed `@tensorflow/tfjs-backend-wasm`
   * ({@link resolveWasmBinaryDir}); in browsers, to tfjs's default (next to the script that loaded the backend).
   * Only honoured before the wasm backend is first initialised.
   */
  wasmPaths?: WasmPaths;
  /**
   * Threads of the wasm backend's XNNPACK pool (browsers with cross-origin isolation; tfjs disables wasm threads in
   * Node). Defaults to tfjs's choice (the number of logical cores). Only honoured before the first initialisation.
   */
  wasmThreads?: number;
  /**
   * Register CPU fallbacks for the gradient kernels wasm lacks ({@link registerCpuFallbackKernels}), so that
   * fine-tuning conv nets works on wasm. Defaults to `true`.
   */
  cpuFallbackKernels?: boolean;
  /**
   * WebGPU in Node through the optional `webgpu` package ({@link installNodeWebGpu}): `true` or options to create the
   * GPU and install its globals when `navigator.gpu` is absent, `false` never to. Defaults to `true` for
   * `initBackend('webgpu')` and `false` for `'auto'` (which then uses WebGPU only where `navigator.gpu` exists).
   */
  nodeWebGpu?: boolean | NodeWebGpuOptions;
  /** GPU power preference for WebGPU (tfjs flag `WEBGPU_USE_LOW_POWER_GPU`). Defaults to `'high-performance'`. */
  powerPreference?: 'high-performance' | 'low-power';
  /** Which native package `'tensorflow'` loads ({@link loadTfjsNode}). Defaults to `'auto'` (GPU build first). */
  tfjsNodePackage?: TfjsNodePackage;
  /**
   * The order `'auto'` tries. Defaults to {@link AUTO_ORDER_NODE} in Node (tensorflow, webgpu, wasm, cpu) and
   * {@link AUTO_ORDER_BROWSER} elsewhere (webgpu, webgl, wasm, cpu).
   */
  order?: readonly ConcreteBackendName[];
  /** Module loader for the optional packages `webgpu` and `@tensorflow/tfjs-node(-gpu)` (for tests). Defaults to `import()`. */
  importer?: ModuleImporter;
}

/** A backend that `'auto'` tried before the one it chose, and why it was passed over. */
export interface BackendAttempt {
  backend: ConcreteBackendName;
  /** Why it was not used, e.g. "the optional native backend is not installed; run …". */
  error: string;
}

/** What {@link initBackend} chose and why. */
export interface BackendSelection {
  /** The active tfjs backend now (`tf.getBackend()`). */
  backend: ConcreteBackendName;
  /** A sentence saying why this backend, e.g. "requested" or "'auto': first available of tensorflow → … → cpu". */
  reason: string;
  /** The backends tried before it, in order (empty unless `'auto'` passed over some). */
  fallbacks: readonly BackendAttempt[];
}

/** Serialises calls: two overlapping initBackend calls would otherwise race on tfjs's global engine. */
let queue: Promise<unknown> = Promise.resolve();
/** The last 'auto' selection, returned again while its backend is still the active one. */
let lastAuto: BackendSelection | undefined;

async function setUpWasm(options: InitBackendOptions): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (!isBackendInstantiated('wasm')) {
    try {
      const paths = options.wasmPaths ?? (isNodeRuntime() ? await resolveWasmBinaryDir() : undefined);
      if (paths !== undefined) wasm.setWasmPaths(paths as Parameters<typeof wasm.setWasmPaths>[0]);
      if (options.wasmThreads !== undefined) wasm.setThreadsCount(options.wasmThreads);
    } catch (e) {
      throw new BackendInitError('wasm', `cannot configure the wasm binaries: ${errorText(e)}`, { cause: e });
    }
  }
  if (options.cpuFallbackKernels ?? true) registerCpuFallbackKernels('wasm');
  await activateBackend('wasm');
}

async function setUpWebGpu(options: InitBackendOptions, auto: boolean): Promise<void> {
  if (currentNavigatorGpu() === undefined) {
    const node = options.nodeWebGpu ?? !auto;
    if (!isNodeRuntime()) throw new BackendInitError('webgpu', 'navigator.gpu is absent: this browser has no WebGPU');
    if (node === false) {
      throw new BackendInitError('webgpu', 'navigator.gpu is absent (set nodeWebGpu to create one with the `webgpu` package)');
    }
    try {
      await installNodeWebGpu({ ...(node === true ? {} : node), ...(options.importer ? { importer: options.importer } : {}) });
    } catch (e) {
      throw new BackendInitError('webgpu', errorText(e), { cause: e });
    }
  }
  if (!isBackendInstantiated('webgpu')) {
    // Imported only now: the package registers its backend (and its flags) at import time, and only when
    // navigator.gpu exists then.
    const webgpu = await import('@tensorflow/tfjs-backend-webgpu');
    if (options.powerPreference !== undefined) {
      tf.env().set('WEBGPU_USE_LOW_POWER_GPU', options.powerPreference === 'low-power');
    }
    let adapter: unknown;
    try {
      adapter = await requestWebGpuAdapter();
    } catch (e) {
      throw new BackendInitError('webgpu', `navigator.gpu.requestAdapter() failed: ${errorText(e)}`, { cause: e });
    }
    if (adapter === null) {
      const hint = isNodeRuntime()
        ? ' (in Node, Dawn needs the Vulkan loader libvulkan.so.1 (Debian: libvulkan1) and a Vulkan driver; without a ' +
          `GPU use SwiftShader: VK_ICD_FILENAMES=${SWIFTSHADER_ICD_PATH}, see docs/backends.md)`
        : '';
      throw new BackendInitError('webgpu', `navigator.gpu.requestAdapter() returned no adapter${hint}`);
    }
    const factory = tf.findBackendFactory('webgpu');
    if (factory === null || factory === undefined) {
      tf.registerBackend('webgpu', webGpuBackendFactory(webgpu.WebGPUBackend as never), 3);
    }
  }
  await activateBackend('webgpu');
}

async function setUpWebGl(): Promise<void> {
  const factory = tf.findBackendFactory('webgl');
  if (factory === null || factory === undefined) {
    throw new BackendInitError(
      'webgl',
      isNodeRuntime()
        ? 'WebGL needs a browser (tfjs registers it only there); in Node use wasm, webgpu or tensorflow'
        : 'tfjs registered no WebGL backend (no WebGL context in this environment)',
    );
  }
  await activateBackend('webgl');
}

async function setUp(name: ConcreteBackendName, options: InitBackendOptions, auto: boolean): Promise<void> {
  switch (name) {
    case 'cpu':
      return activateBackend('cpu');
    case 'wasm':
      return setUpWasm(options);
    case 'webgpu':
      return setUpWebGpu(options, auto);
    case 'webgl':
      return setUpWebGl();
    case 'tensorflow':
      await loadTfjsNode({
        ...(options.tfjsNodePackage === undefined ? {} : { package: options.tfjsNodePackage }),
        ...(options.importer === undefined ? {} : { importer: options.importer }),
      });
      return activateBackend('tensorflow');
  }
}

const FN = 'initBackend';
const CONCRETE_NAMES = BACKEND_NAMES.filter((n) => n !== 'auto');

function checkArguments(name: unknown, options: InitBackendOptions): void {
  checkOneOf(FN, 'name', name, BACKEND_NAMES);
  checkOptions(FN, options);
  if (options.wasmThreads !== undefined) checkInteger(FN, 'options.wasmThreads', options.wasmThreads, { min: 1 });
  if (options.powerPreference !== undefined) {
    checkOneOf(FN, 'options.powerPreference', options.powerPreference, ['high-performance', 'low-power'] as const);
  }
  if (options.order !== undefined) {
    checkArray(FN, 'options.order', options.order, {
      minLength: 1,
      each: (o, i) => checkOneOf(FN, `options.order[${i}]`, o, CONCRETE_NAMES),
    });
  }
}

async function run(name: BackendName, options: InitBackendOptions): Promise<BackendSelection> {
  if (name !== 'auto') {
    if (tf.getBackend() === name && isBackendInstantiated(name)) {
      if (name === 'wasm' && (options.cpuFallbackKernels ?? true)) registerCpuFallbackKernels('wasm');
      return { backend: name, reason: `'${name}' requested (already active)`, fallbacks: [] };
    }
    await setUp(name, options, false);
    return { backend: name, reason: `'${name}' requested`, fallbacks: [] };
  }
  if (lastAuto !== undefined && tf.getBackend() === lastAuto.backend && options.order === undefined) return lastAuto;
  const order = options.order ?? (isNodeRuntime() ? AUTO_ORDER_NODE : AUTO_ORDER_BROWSER);
  const fallbacks: BackendAttempt[] = [];
  for (const candidate of order) {
    try {
      await setUp(candidate, options, true);
    } catch (e) {
      fallbacks.push({ backend: candidate, error: errorText(e) });
      continue;
    }
    const skipped = fallbacks.length === 0 ? '' : ` (${fallbacks.map((f) => f.backend).join(', ')} unavailable: see fallbacks)`;
    lastAuto = {
      backend: candidate,
      reason: `'auto': first backend that initialised in the order ${order.join(' → ')}${skipped}`,
      fallbacks,
    };
    return lastAuto;
  }
  throw new BackendInitError(
    'auto',
    `no backend could be initialised: ${fallbacks.map((f) => `${f.backend}: ${f.error}`).join('; ')}`,
  );
}

/**
 * Pick and initialise the tfjs backend: one call that loads the backend's package, configures it (wasm binaries,
 * CPU-fallback gradient kernels, WebGPU in Node), makes it tfjs's active backend and waits until it is ready.
 *
 * `'auto'` tries, in Node, `tensorflow` (when `@tensorflow/tfjs-node(-gpu)` is installed) → `webgpu` (only when
 * `navigator.gpu` exists or `nodeWebGpu` is set) → `wasm` → `cpu`; in browsers `webgpu` → `webgl` → `wasm` → `cpu`;
 * it returns the first that initialises, with the reasons the earlier ones were passed over.
 *
 * Idempotent and safe to call concurrently (calls run one after the other); a backend that is already active is
 * returned at once. Options that configure a backend's initialisation (wasm paths and threads) apply only before
 * its first initialisation.
 *
 * @param name - A {@link BackendName}. Defaults to `'wasm'`, the fastest backend available everywhere without a GPU.
 * @param options - {@link InitBackendOptions}.
 * @returns `{ backend, reason, fallbacks }` ({@link BackendSelection}).
 * @throws {ArgumentError} naming `initBackend` and the argument for an unknown name or a bad option
 * @throws BackendInitError naming the backend and the cause: missing optional package (with its install command),
 *   no WebGPU adapter, WebGL outside a browser, a failed initialisation
 * @example
 * ```ts
 * const { backend, reason } = await initBackend('auto');
 * console.log(`tfjs runs on ${backend}: ${reason}`);
 * await initBackend('webgpu', { nodeWebGpu: { vulkanIcd: SWIFTSHADER_ICD_PATH } }); // CI without a GPU
 * ```
 */
export function initBackend(name: BackendName = 'wasm', options: InitBackendOptions = {}): Promise<BackendSelection> {
  const next = queue.then(() => {
    checkArguments(name, options);
    return run(name, options);
  });
  queue = next.catch(() => undefined);
  return next;
}
