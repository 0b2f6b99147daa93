/**
 * backend: tfjs backend selection and set-up (wasm, webgpu, webgl, cpu, tensorflow).
 * @module
 */
export * from './backendNames.js';
export { BackendInitError } from './backendInitError.js';
export * from './initBackend.js';
export { ensureBackend } from './ensureBackend.js';
export * from './describeBackend.js';
export * from './cpuFallbackKernels.js';
export * from './wasmBinaryPaths.js';
export {
  installNodeWebGpu,
  NODE_WEBGPU_INSTALL_COMMAND,
  SWIFTSHADER_ICD_PATH,
} from './installNodeWebGpu.js';
export type { NodeWebGpuOptions, NodeWebGpuInstall, GpuLike } from './installNodeWebGpu.js';
export * from './loadTfjsNode.js';
export type { ModuleImporter } from './runtime.js';
export * from './initializerSeed.js';
