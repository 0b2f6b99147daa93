import * as tf from '@tensorflow/tfjs';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendInitError } from '../../src/backend/backendInitError.js';
import { initBackend } from '../../src/backend/initBackend.js';
import { loadTfjsNode, TFJS_NODE_GPU_INSTALL_COMMAND, TFJS_NODE_INSTALL_COMMAND } from '../../src/backend/loadTfjsNode.js';
import { activeBackend, restoreBackend } from './helpers/withBackend.js';

/** An importer that records what it was asked for and fails like Node does for a missing package. */
function missingImporter(log: string[]) {
  return (specifier: string): Promise<unknown> => {
    log.push(specifier);
    return Promise.reject(new Error(`Cannot find package '${specifier}'`));
  };
}

/**
 * Stand-in for `@tensorflow/tfjs-node`: like the real package, importing it registers a backend named 'tensorflow'
 * and its kernels with tfjs (here the CPU backend class and kernels under that name, since libtensorflow cannot be
 * installed in this sandbox).
 */
const registeredKernels: string[] = [];
function fakeTfjsNode(log: string[]) {
  return (specifier: string): Promise<unknown> => {
    log.push(specifier);
    if (specifier !== '@tensorflow/tfjs-node') return Promise.reject(new Error(`Cannot find package '${specifier}'`));
    if (tf.findBackendFactory('tensorflow') === null || tf.findBackendFactory('tensorflow') === undefined) {
      tf.registerBackend('tensorflow', () => new MathBackendCPU(), 3);
      for (const k of tf.getKernelsForBackend('cpu')) {
        tf.registerKernel({ ...k, backendName: 'tensorflow' });
        registeredKernels.push(k.kernelName);
      }
    }
    return Promise.resolve({ version: 'fake' });
  };
}

let saved: string | null;
beforeAll(() => {
  saved = activeBackend();
});
afterAll(async () => {
  await restoreBackend(saved);
  tf.removeBackend('tensorflow');
  for (const k of registeredKernels) tf.unregisterKernel(k, 'tensorflow');
});

describe('loadTfjsNode: not installed', () => {
  it("'auto' tries the GPU build, then the CPU build, and names both install commands", async () => {
    const log: string[] = [];
    const err = await loadTfjsNode({ importer: missingImporter(log) }).catch((e: unknown) => e);
    expect(log).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
    expect(err).toBeInstanceOf(BackendInitError);
    expect((err as BackendInitError).backend).toBe('tensorflow');
    expect((err as Error).message).toContain(`run \`${TFJS_NODE_INSTALL_COMMAND}\` (or \`${TFJS_NODE_GPU_INSTALL_COMMAND}\` with CUDA)`);
    expect((err as Error).message).toContain("Cannot find package '@tensorflow/tfjs-node'");
  });

  it("'gpu' and 'cpu' try only their own package", async () => {
    const gpuLog: string[] = [];
    await expect(loadTfjsNode({ package: 'gpu', importer: missingImporter(gpuLog) })).rejects.toThrow(
      `run \`${TFJS_NODE_GPU_INSTALL_COMMAND}\``,
    );
    expect(gpuLog).toEqual(['@tensorflow/tfjs-node-gpu']);
    const cpuLog: string[] = [];
    await expect(loadTfjsNode({ package: 'cpu', importer: missingImporter(cpuLog) })).rejects.toThrow(
      `run \`${TFJS_NODE_INSTALL_COMMAND}\``,
    );
    expect(cpuLog).toEqual(['@tensorflow/tfjs-node']);
  });

  it('the real import fails here (package absent) with the same error, through initBackend', async () => {
    await expect(initBackend('tensorflow')).rejects.toThrow(/initBackend\('tensorflow'\): the optional native backend is not installed; run `npm install @tensorflow\/tfjs-node`/);
  });

  it('rejects an unknown package choice', async () => {
    await expect(loadTfjsNode({ package: 'cuda' as never })).rejects.toThrow(`tfjsNodePackage must be 'auto', 'gpu' or 'cpu', got "cuda"`);
  });

  it('reports a package that loads but registers no backend (a second copy of tfjs-core)', async () => {
    await expect(loadTfjsNode({ package: 'cpu', importer: () => Promise.resolve({}) })).rejects.toThrow(
      /@tensorflow\/tfjs-node loaded but registered no 'tensorflow' backend with this copy of @tensorflow\/tfjs/,
    );
  });
});

describe("initBackend('tensorflow') with a package that registers the backend", () => {
  it('loads it, activates it and computes like cpu', async () => {
    const log: string[] = [];
    const selection = await initBackend('tensorflow', { importer: fakeTfjsNode(log) });
    expect(selection).toEqual({ backend: 'tensorflow', reason: "'tensorflow' requested", fallbacks: [] });
    expect(log).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
    expect(tf.getBackend()).toBe('tensorflow');
    const y = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]]));
    expect(Array.from(await y.data())).toEqual([11]);
    y.dispose();
  });

  it("'auto' chooses it first in Node", async () => {
    await initBackend('cpu');
    const selection = await initBackend('auto', { importer: fakeTfjsNode([]) });
    expect(selection.backend).toBe('tensorflow');
    expect(selection.fallbacks).toEqual([]);
    expect(selection.reason).toContain('tensorflow → webgpu → wasm → cpu');
  });
});
