import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendInitError } from '../../src/backend/backendInitError.js';
import { initBackend } from '../../src/backend/initBackend.js';
import { resolveWasmBinaryDir, WASM_BINARY_NAMES } from '../../src/backend/wasmBinaryPaths.js';
import { activeBackend, restoreBackend } from './helpers/withBackend.js';

let saved: string | null;
beforeAll(() => {
  saved = activeBackend();
});
afterAll(async () => {
  await restoreBackend(saved);
});

describe('resolveWasmBinaryDir', () => {
  it('finds the dist folder of the installed package, holding all three binaries', async () => {
    const dir = await resolveWasmBinaryDir();
    expect(dir).toMatch(/@tensorflow[\\/]tfjs-backend-wasm[\\/]dist[\\/]$/);
    for (const name of WASM_BINARY_NAMES) expect(existsSync(join(dir, name)), name).toBe(true);
  });
});

describe("initBackend('wasm') with wrong wasmPaths", () => {
  // This file runs in its own process: a failed wasm start-up cannot be retried with other paths in one process
  // (tfjs-backend-wasm refuses setWasmPaths after a failed initialisation).
  it('fails with a BackendInitError naming wasm and leaves the active backend unchanged', async () => {
    await initBackend('cpu');
    const err = await initBackend('wasm', { wasmPaths: '/nonexistent/lymphomix-wasm/' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendInitError);
    expect((err as BackendInitError).backend).toBe('wasm');
    expect((err as Error).message).toMatch(/^initBackend\('wasm'\): initialisation failed: /);
    expect(tf.getBackend()).toBe('cpu');
  });

  it('a retry fails again with a BackendInitError (never reports a failed backend as active)', async () => {
    await expect(initBackend('wasm')).rejects.toThrow(/^initBackend\('wasm'\): /);
    await expect(initBackend('wasm', { wasmPaths: '/elsewhere/' })).rejects.toThrow(BackendInitError);
    expect(tf.getBackend()).toBe('cpu');
  });

  it("then 'auto' falls back to cpu and reports why wasm was passed over", async () => {
    const selection = await initBackend('auto');
    expect(selection.backend).toBe('cpu');
    expect(selection.fallbacks.map((f) => f.backend)).toEqual(['tensorflow', 'webgpu', 'wasm']);
    expect(selection.fallbacks[2]!.error).toMatch(/^initBackend\('wasm'\): /);
  });
});
