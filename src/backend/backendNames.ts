/**
 * A tfjs backend that {@link initBackend} can set up.
 *
 * - `'wasm'`: `@tensorflow/tfjs-backend-wasm` (XNNPACK, float32; SIMD where the runtime has it, threads in
 *   browsers with cross-origin isolation). The default in Node.
 * - `'webgpu'`: `@tensorflow/tfjs-backend-webgpu` (float32) through `navigator.gpu`: browsers, or Node through the
 *   optional `webgpu` package (Dawn), which {@link initBackend} installs only when asked.
 * - `'webgl'`: tfjs's WebGL backend (browsers; float32 or float16 textures depending on the device).
 * - `'cpu'`: tfjs's plain-JavaScript backend, everywhere, slowest; the reference for the others.
 * - `'tensorflow'`: libtensorflow through the optional `@tensorflow/tfjs-node` or `@tensorflow/tfjs-node-gpu`.
 */
export type ConcreteBackendName = 'wasm' | 'webgpu' | 'webgl' | 'cpu' | 'tensorflow';

/** A {@link ConcreteBackendName}, or `'auto'` for the best one available (see {@link initBackend}). */
export type BackendName = 'auto' | ConcreteBackendName;

/** Every name {@link initBackend} accepts. */
export const BACKEND_NAMES: readonly BackendName[] = ['auto', 'wasm', 'webgpu', 'webgl', 'cpu', 'tensorflow'];

/**
 * The order `'auto'` tries in Node: native libtensorflow when `@tensorflow/tfjs-node(-gpu)` is installed, WebGPU
 * when `navigator.gpu` already exists (or `nodeWebGpu` is set), then wasm, then cpu.
 */
export const AUTO_ORDER_NODE: readonly ConcreteBackendName[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];

/** The order `'auto'` tries in browsers and workers: WebGPU, WebGL, wasm, cpu. */
export const AUTO_ORDER_BROWSER: readonly ConcreteBackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/**
 * Whether `name` is one of {@link BACKEND_NAMES}.
 *
 * @example
 * isBackendName('wasm'); // true
 * isBackendName('gpu'); // false
 */
export function isBackendName(name: unknown): name is BackendName {
  return typeof name === 'string' && (BACKEND_NAMES as readonly string[]).includes(name);
}
