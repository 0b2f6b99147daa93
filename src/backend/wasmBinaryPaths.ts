import type * as NodeModule from 'node:module';
import type * as NodePath from 'node:path';
import type * as NodeUrl from 'node:url';
import { errorText } from './backendInitError.js';
import { importModule, isNodeRuntime } from './runtime.js';

/** The three binaries shipped by `@tensorflow/tfjs-backend-wasm` (plain, SIMD, threads + SIMD). */
export const WASM_BINARY_NAMES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const;

/** One of {@link WASM_BINARY_NAMES}. */
export type WasmBinaryName = (typeof WASM_BINARY_NAMES)[number];

/**
 * Where the wasm backend loads its binaries from: a folder or URL prefix ending in `/` that holds all three
 * {@link WASM_BINARY_NAMES}, or one path/URL per binary.
 */
export type WasmPaths = string | Readonly<Record<WasmBinaryName, string>>;

/**
 * The folder of the `.wasm` files of the installed `@tensorflow/tfjs-backend-wasm` (Node only), resolved the way
 * Node resolves the package from this module (its URL in ESM, its file in CommonJS; the working directory as a last
 * resort).
 *
 * @returns an absolute path ending in the platform's separator, e.g.
 *   `/app/node_modules/@tensorflow/tfjs-backend-wasm/dist/`
 * @throws Error naming the package when it cannot be resolved, or outside Node
 * @example
 * const dir = await resolveWasmBinaryDir();
 * await initBackend('wasm', { wasmPaths: dir }); // what initBackend does by default in Node
 */
export async function resolveWasmBinaryDir(): Promise<string> {
  if (!isNodeRuntime()) {
    throw new Error('resolveWasmBinaryDir: only available in Node; pass wasmPaths (a URL prefix) in browsers');
  }
  const { createRequire } = (await importModule('node:module')) as typeof NodeModule;
  const path = (await importModule('node:path')) as typeof NodePath;
  const { pathToFileURL } = (await importModule('node:url')) as typeof NodeUrl;
  const here = (import.meta as { url?: string }).url;
  // ESM: this module's URL; CommonJS build (import.meta is empty there): this file; else the working directory.
  const base =
    typeof here === 'string' && here.length > 0
      ? here
      : pathToFileURL(typeof __filename === 'string' ? __filename : path.join(process.cwd(), 'index.js')).href;
  try {
    const pkg = createRequire(base).resolve('@tensorflow/tfjs-backend-wasm/package.json');
    return path.join(path.dirname(pkg), 'dist') + path.sep;
  } catch (e) {
    throw new Error(`resolveWasmBinaryDir: cannot resolve @tensorflow/tfjs-backend-wasm from ${base}: ${errorText(e)}`, {
      cause: e,
    });
  }
}
