import { describe, expect, it } from 'vitest';
import * as backend from '../../src/backend/index.js';

describe('src/backend/index.ts', () => {
  it('re-exports the public API and nothing internal', () => {
    expect(Object.keys(backend).sort()).toEqual(
      [
        'AUTO_ORDER_BROWSER',
        'AUTO_ORDER_NODE',
        'BACKEND_NAMES',
        'BackendInitError',
        'CPU_FALLBACK_KERNEL_CANDIDATES',
        'NODE_WEBGPU_INSTALL_COMMAND',
        'SWIFTSHADER_ICD_PATH',
        'TFJS_NODE_GPU_INSTALL_COMMAND',
        'TFJS_NODE_INSTALL_COMMAND',
        'WASM_BINARY_NAMES',
        'WRONG_NATIVE_KERNELS',
        'describeBackend',
        'ensureBackend',
        'initBackend',
        'initializerSeed',
        'installNodeWebGpu',
        'isBackendName',
        'listCpuFallbackKernels',
        'loadTfjsNode',
        'registerCpuFallbackKernels',
        'resolveWasmBinaryDir',
      ].sort(),
    );
  });
});
