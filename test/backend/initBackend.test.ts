import { ArgumentError } from '../../src/core/index.js';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendInitError } from '../../src/backend/backendInitError.js';
import { initBackend } from '../../src/backend/initBackend.js';
import { convNetGradients, denseTrainingStep, expectClose } from './helpers/referenceNets.js';
import type { ConvNetResult } from './helpers/referenceNets.js';
import { activeBackend, restoreBackend } from './helpers/withBackend.js';

let saved: string | null;
let cpuConv: ConvNetResult;
let cpuDense: Float32Array[];

beforeAll(async () => {
  saved = activeBackend();
  expect(await initBackend('cpu')).toEqual({ backend: 'cpu', reason: "'cpu' requested", fallbacks: [] });
  cpuConv = await convNetGradients();
  cpuDense = await denseTrainingStep();
});
afterAll(async () => {
  await restoreBackend(saved);
});

describe('initBackend: cpu', () => {
  it('activates cpu and its conv net gradients are deterministic', async () => {
    await initBackend('cpu');
    expect(tf.getBackend()).toBe('cpu');
    const again = await convNetGradients();
    expect(again.loss).toBe(cpuConv.loss);
    expect(Object.keys(again.grads).sort()).toEqual(['b1', 'beta', 'dw', 'gamma', 'table', 'w1', 'w2', 'wd', 'x']);
  });
});

describe('initBackend: wasm', () => {
  it('activates wasm (the default) from the package binaries and agrees with cpu on a conv net forward + backward', async () => {
    const selection = await initBackend();
    expect(selection).toEqual({ backend: 'wasm', reason: "'wasm' requested", fallbacks: [] });
    expect(tf.getBackend()).toBe('wasm');
    const wasm = await convNetGradients();
    expectClose([wasm.loss], [cpuConv.loss], 'loss');
    for (const [name, grad] of Object.entries(cpuConv.grads)) expectClose(wasm.grads[name]!, grad, `d loss / d ${name}`);
  });

  it('agrees with cpu on a dense training step (tf.layers + Adam)', async () => {
    await initBackend('wasm');
    const wasm = await denseTrainingStep();
    expect(wasm.length).toBe(cpuDense.length);
    cpuDense.forEach((w, i) => expectClose(wasm[i]!, w, `dense weight ${i}`));
  });

  it('is idempotent: a second call and concurrent calls return at once with the same backend', async () => {
    await initBackend('wasm');
    const [a, b] = await Promise.all([initBackend('wasm'), initBackend('wasm')]);
    expect(a).toEqual({ backend: 'wasm', reason: "'wasm' requested (already active)", fallbacks: [] });
    expect(b).toEqual(a);
    expect(tf.getBackend()).toBe('wasm');
  });

  it('switches back and forth between cpu and wasm', async () => {
    await initBackend('cpu');
    expect(tf.getBackend()).toBe('cpu');
    await initBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });
});

describe("initBackend('auto')", () => {
  it('in Node without tfjs-node or navigator.gpu, chooses wasm and says why the others were passed over', async () => {
    const selection = await initBackend('auto');
    expect(selection.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(selection.reason).toContain('tensorflow → webgpu → wasm → cpu');
    expect(selection.fallbacks.map((f) => f.backend)).toEqual(['tensorflow', 'webgpu']);
    expect(selection.fallbacks[0]!.error).toContain('npm install @tensorflow/tfjs-node');
    expect(selection.fallbacks[1]!.error).toContain('navigator.gpu is absent');
  });

  it('follows a custom order and falls back past a backend that cannot start', async () => {
    const selection = await initBackend('auto', { order: ['webgl', 'cpu'] });
    expect(selection.backend).toBe('cpu');
    expect(selection.fallbacks).toHaveLength(1);
    expect(selection.fallbacks[0]).toMatchObject({ backend: 'webgl' });
    expect(selection.fallbacks[0]!.error).toContain('WebGL needs a browser');
  });

  it('throws naming every failure when nothing in the order starts', async () => {
    await expect(initBackend('auto', { order: ['webgl', 'tensorflow'] })).rejects.toThrow(
      /initBackend\('auto'\): no backend could be initialised: webgl: .*WebGL needs a browser.*; tensorflow: .*tfjs-node/,
    );
  });
});

describe('initBackend: errors', () => {
  it('rejects an unknown name, listing the valid ones', async () => {
    const err = await initBackend('gpu' as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArgumentError);
    expect((err as Error).message).toBe(
      `initBackend: name must be one of "auto", "wasm", "webgpu", "webgl", "cpu", "tensorflow", got "gpu"`,
    );
  });

  it('rejects bad options with the option and value', async () => {
    await expect(initBackend('wasm', { wasmThreads: 0 })).rejects.toThrow('initBackend: options.wasmThreads must be an integer ≥ 1, got 0');
    await expect(initBackend('webgpu', { powerPreference: 'fast' as never })).rejects.toThrow(/options\.powerPreference .* got "fast"/);
    await expect(initBackend('auto', { order: [] })).rejects.toThrow('initBackend: options.order must be an array with at least 1 element, got an array of 0');
    await expect(initBackend('auto', { order: ['auto' as never] })).rejects.toThrow(/^initBackend: options\.order\[0\] must be one of "wasm", .*, got "auto"$/);
    await expect(initBackend('auto', { order: ['auto' as never] })).rejects.toThrow(ArgumentError);
  });

  it("'webgl' in Node fails with a clear reason and leaves the active backend unchanged", async () => {
    await initBackend('cpu');
    await expect(initBackend('webgl')).rejects.toThrow("initBackend('webgl'): WebGL needs a browser");
    expect(tf.getBackend()).toBe('cpu');
  });

  it("'webgpu' with nodeWebGpu: false and no navigator.gpu says how to get one", async () => {
    await expect(initBackend('webgpu', { nodeWebGpu: false })).rejects.toThrow(
      "initBackend('webgpu'): navigator.gpu is absent (set nodeWebGpu",
    );
  });

  it('a failed call does not poison the next one', async () => {
    await expect(initBackend('webgl')).rejects.toThrow(BackendInitError);
    expect((await initBackend('cpu')).backend).toBe('cpu');
  });
});
