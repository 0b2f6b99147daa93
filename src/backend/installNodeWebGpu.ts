import { errorText } from './backendInitError.js';
import { importModule, isNodeRuntime } from './runtime.js';
import type { ModuleImporter } from './runtime.js';
import { checkThat } from '../core/index.js';

/** The command that installs the optional Dawn-for-Node package used for WebGPU in Node. */
export const NODE_WEBGPU_INSTALL_COMMAND = 'npm install webgpu';

/** The Vulkan ICD of SwiftShader (a CPU Vulkan driver) shipped by Debian/Ubuntu's `chromium` package. */
export const SWIFTSHADER_ICD_PATH = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Options of {@link installNodeWebGpu}. */
export interface NodeWebGpuOptions {
  /**
   * Vulkan ICD manifest(s) for the Vulkan loader, written to `process.env.VK_ICD_FILENAMES` before the GPU is created,
   * e.g. {@link SWIFTSHADER_ICD_PATH} for SwiftShader on a machine without a GPU. Defaults to leaving
   * `VK_ICD_FILENAMES` as it is (the loader then finds the installed drivers).
   */
  vulkanIcd?: string;
  /** Dawn toggles passed to `webgpu`'s `create()`, e.g. `['backend=vulkan']`. Defaults to `[]`. */
  dawnOptions?: readonly string[];
  /** Module loader (for tests). Defaults to a dynamic `import()`. */
  importer?: ModuleImporter;
}

/** What {@link installNodeWebGpu} did. */
export interface NodeWebGpuInstall {
  /** False when `navigator.gpu` already existed (a browser, or an earlier call) and nothing was installed. */
  installed: boolean;
  /** The `GPU` object now at `navigator.gpu`. */
  gpu: GpuLike;
}

/** The part of WebGPU's `GPU` (`navigator.gpu`) this module uses (so that WebGPU's types are not needed). */
export interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'low-power' | 'high-performance' }): Promise<unknown>;
}

interface WebGpuPackage {
  create(options: string[]): GpuLike;
  globals: Record<string, unknown>;
}

/** The `navigator.gpu` of this realm, or undefined. */
export function currentNavigatorGpu(): GpuLike | undefined {
  const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  return nav?.gpu ?? undefined;
}

/**
 * Make WebGPU available in Node through the optional `webgpu` package (Google's Dawn for Node): create a `GPU`, put
 * it at `navigator.gpu` and install the WebGPU globals (`GPUBufferUsage`, `GPUMapMode`, …) that are not already
 * defined. Does nothing when `navigator.gpu` already exists (browsers, or a second call).
 *
 * Needs a Vulkan loader (`libvulkan.so.1`: Debian's `libvulkan1`) and a Vulkan driver: a GPU's, or SwiftShader's
 * CPU implementation via `vulkanIcd` (see docs/backends.md).
 *
 * @param options - {@link NodeWebGpuOptions}.
 * @returns whether anything was installed, and the `GPU`.
 * @throws Error naming the install command when `webgpu` is not installed; Error outside Node when
 *   `navigator.gpu` is absent
 * @example
 * await installNodeWebGpu({ vulkanIcd: SWIFTSHADER_ICD_PATH });
 * await initBackend('webgpu');
 */
export async function installNodeWebGpu(options: NodeWebGpuOptions = {}): Promise<NodeWebGpuInstall> {
  const existing = currentNavigatorGpu();
  if (existing !== undefined) return { installed: false, gpu: existing };
  if (!isNodeRuntime()) {
    throw new Error('installNodeWebGpu: navigator.gpu is absent and this is not Node; use a browser with WebGPU enabled');
  }
  if (options.vulkanIcd !== undefined) {
    checkThat(typeof options.vulkanIcd === 'string' && options.vulkanIcd.length > 0, 'installNodeWebGpu', 'options.vulkanIcd', 'a non-empty path', options.vulkanIcd);
    process.env['VK_ICD_FILENAMES'] = options.vulkanIcd;
  }
  let pkg: WebGpuPackage;
  try {
    pkg = (await (options.importer ?? importModule)('webgpu')) as WebGpuPackage;
  } catch (e) {
    throw new Error(
      `installNodeWebGpu: the optional dependency "webgpu" (Dawn for Node) could not be loaded (${errorText(e)}); ` +
        `run \`${NODE_WEBGPU_INSTALL_COMMAND}\``,
      { cause: e },
    );
  }
  const gpu = pkg.create([...(options.dawnOptions ?? [])]);
  const g = globalThis as Record<string, unknown>;
  for (const [key, value] of Object.entries(pkg.globals)) {
    if (!(key in g)) g[key] = value;
  }
  const nav = g['navigator'];
  if (typeof nav === 'object' && nav !== null) {
    Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true, enumerable: true, writable: true });
  } else {
    Object.defineProperty(g, 'navigator', { value: { gpu }, configurable: true, enumerable: true, writable: true });
  }
  return { installed: true, gpu };
}
