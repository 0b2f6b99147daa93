import { describe, expect, it } from 'vitest';
import { AUTO_ORDER_BROWSER, AUTO_ORDER_NODE, BACKEND_NAMES, isBackendName } from '../../src/backend/backendNames.js';

describe('backend names', () => {
  it('accepts exactly the documented names', () => {
    for (const name of BACKEND_NAMES) expect(isBackendName(name)).toBe(true);
    for (const bad of ['gpu', 'WASM', '', 'node', undefined, null, 1]) expect(isBackendName(bad)).toBe(false);
  });

  it("'auto' orders list every concrete backend once, ending with cpu", () => {
    expect([...AUTO_ORDER_NODE].sort()).toEqual(['cpu', 'tensorflow', 'wasm', 'webgpu']);
    expect([...AUTO_ORDER_BROWSER].sort()).toEqual(['cpu', 'wasm', 'webgl', 'webgpu']);
    expect(AUTO_ORDER_NODE.at(-1)).toBe('cpu');
    expect(AUTO_ORDER_BROWSER.at(-1)).toBe('cpu');
  });
});
