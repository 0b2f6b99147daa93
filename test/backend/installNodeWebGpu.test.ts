import { afterEach, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/initBackend.js';
import { installNodeWebGpu, NODE_WEBGPU_INSTALL_COMMAND } from '../../src/backend/installNodeWebGpu.js';

const g = globalThis as Record<string, unknown>;
const hadNavigator = 'navigator' in g;
const savedIcd = process.env['VK_ICD_FILENAMES'];

/** Undo what installNodeWebGpu put on globalThis. */
afterEach(() => {
  const nav = g['navigator'] as { gpu?: unknown } | undefined;
  if (hadNavigator) {
    if (nav !== undefined) delete nav.gpu;
  } else {
    delete g['navigator'];
  }
  delete g['GPUFakeUsage'];
  if (savedIcd === undefined) delete process.env['VK_ICD_FILENAMES'];
  else process.env['VK_ICD_FILENAMES'] = savedIcd;
});

/** Stand-in for the `webgpu` package: `create(flags)` returns a GPU object; `globals` holds WebGPU constants. */
function fakeWebGpu(calls: string[][]) {
  return (specifier: string): Promise<unknown> => {
    expect(specifier).toBe('webgpu');
    return Promise.resolve({
      create: (flags: string[]) => {
        calls.push(flags);
        return { requestAdapter: () => Promise.resolve(null) };
      },
      globals: { GPUFakeUsage: { STORAGE: 128 }, Object: 'must not overwrite' },
    });
  };
}

describe('installNodeWebGpu', () => {
  it('creates the GPU with the Dawn options, puts it at navigator.gpu, adds missing globals only, sets the ICD', async () => {
    const calls: string[][] = [];
    const result = await installNodeWebGpu({ importer: fakeWebGpu(calls), dawnOptions: ['backend=vulkan'], vulkanIcd: '/x/icd.json' });
    expect(result.installed).toBe(true);
    expect(calls).toEqual([['backend=vulkan']]);
    expect((g['navigator'] as { gpu: unknown }).gpu).toBe(result.gpu);
    expect(g['GPUFakeUsage']).toEqual({ STORAGE: 128 });
    expect(g['Object']).toBe(Object);
    expect(process.env['VK_ICD_FILENAMES']).toBe('/x/icd.json');
  });

  it('does nothing the second time (navigator.gpu exists)', async () => {
    const calls: string[][] = [];
    const first = await installNodeWebGpu({ importer: fakeWebGpu(calls) });
    const second = await installNodeWebGpu({ importer: fakeWebGpu(calls) });
    expect(second).toEqual({ installed: false, gpu: first.gpu });
    expect(calls).toHaveLength(1);
  });

  it('names the install command when the package is missing', async () => {
    await expect(
      installNodeWebGpu({ importer: (s) => Promise.reject(new Error(`Cannot find package '${s}'`)) }),
    ).rejects.toThrow(`installNodeWebGpu: the optional dependency "webgpu" (Dawn for Node) could not be loaded (Cannot find package 'webgpu'); run \`${NODE_WEBGPU_INSTALL_COMMAND}\``);
  });

  it('rejects an empty vulkanIcd', async () => {
    await expect(installNodeWebGpu({ vulkanIcd: '' })).rejects.toThrow('installNodeWebGpu: options.vulkanIcd must be a non-empty path, got ""');
  });

  it("initBackend('webgpu') reports an adapter-less GPU with the Vulkan hint, not a tfjs TypeError", async () => {
    await expect(initBackend('webgpu', { importer: fakeWebGpu([]) })).rejects.toThrow(
      /initBackend\('webgpu'\): navigator.gpu.requestAdapter\(\) returned no adapter \(in Node, Dawn needs the Vulkan loader libvulkan.so.1/,
    );
  });

  it("initBackend('webgpu') wraps a missing webgpu package in a BackendInitError", async () => {
    await expect(
      initBackend('webgpu', { importer: () => Promise.reject(new Error('nope')) }),
    ).rejects.toThrow(`initBackend('webgpu'): installNodeWebGpu: the optional dependency "webgpu"`);
  });
});
