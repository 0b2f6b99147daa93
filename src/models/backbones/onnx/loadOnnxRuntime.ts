import { importModule } from '../../../backend/runtime.js';
import { isNode } from '../../../io/bytes/isNode.js';

/** The part of an onnxruntime tensor the ONNX embedder uses. */
export interface OnnxTensorLike {
  readonly dims: readonly number[];
  readonly data: unknown;
  dispose(): void;
}

/** The part of an onnxruntime `InferenceSession` the ONNX embedder uses. */
export interface OnnxSessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OnnxTensorLike>, fetches: string[]): Promise<Record<string, OnnxTensorLike>>;
  release(): Promise<void>;
}

/**
 * The part of onnxruntime's API the ONNX embedder uses (the same in onnxruntime-node and onnxruntime-web), typed
 * here so that the library's declarations do not need either package installed.
 */
export interface OnnxRuntime {
  InferenceSession: { create(model: Uint8Array, options?: Record<string, unknown>): Promise<OnnxSessionLike> };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OnnxTensorLike;
  env?: { wasm?: { numThreads?: number } };
}

/** Which onnxruntime package runs the models: `'node'` (native), `'web'` (wasm / WebGPU), `'auto'` (node in Node, else web). */
export type OnnxRuntimeChoice = 'auto' | 'node' | 'web';

/** A loaded runtime and the package it came from. */
export interface LoadedOnnxRuntime {
  /** The package: `'onnxruntime-node'` or `'onnxruntime-web'`. */
  name: 'onnxruntime-node' | 'onnxruntime-web';
  /** Its module. */
  ort: OnnxRuntime;
}

/** Imports a package by name (replaceable in tests to simulate a missing package). @internal */
export type OnnxModuleImporter = (name: 'onnxruntime-node' | 'onnxruntime-web') => Promise<unknown>;

/** The one line printed once when Node falls back from onnxruntime-node to onnxruntime-web. */
export const ONNX_WEB_FALLBACK_WARNING =
  'lymphomix: onnxruntime-node is not installed, so ONNX models run on onnxruntime-web (wasm, about 3x slower per core): ' +
  'npm install onnxruntime-node for native CPU speed';

/**
 * The one-line error when no onnxruntime package can be imported: what to install, and the fallback.
 *
 * @param fn - the public function the user called
 * @returns the message
 */
export function missingOnnxRuntimeMessage(fn: string): string {
  if (!isNode()) {
    return (
      `${fn}: ONNX models need onnxruntime-web: import * as ort from 'onnxruntime-web' and call provideOnnxRuntime(ort) first; ` +
      'without it use a tfjs backbone ({ name } or { model })'
    );
  }
  return (
    `${fn}: ONNX models need onnxruntime, which is not installed: npm install onnxruntime-node (Node, native CPU, ~290 MB) ` +
    'or onnxruntime-web (browsers and Node, wasm/WebGPU, ~150 MB); without it use a tfjs backbone ({ name } or { model }) on tfjs wasm'
  );
}

let warned = false;
const loaded = new Map<string, Promise<LoadedOnnxRuntime | null>>();

function isMissing(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /Cannot find (module|package)|Failed to resolve module/i.test(String(e));
}

async function tryImport(name: 'onnxruntime-node' | 'onnxruntime-web', importer: OnnxModuleImporter): Promise<LoadedOnnxRuntime | null> {
  try {
    const m = (await importer(name)) as OnnxRuntime & { default?: OnnxRuntime };
    const ort = typeof m.InferenceSession === 'function' || typeof m.InferenceSession === 'object' ? m : m.default;
    if (ort === undefined) return null;
    return { name, ort };
  } catch (e) {
    if (isMissing(e)) return null;
    throw e;
  }
}

// A variable specifier (importModule) keeps bundlers from resolving the optional peer dependencies: a browser
// bundle must not pull onnxruntime-node in. Browser apps hand their bundled onnxruntime-web to provideOnnxRuntime.
const defaultImporter: OnnxModuleImporter = (name) => importModule(name);

let provided: LoadedOnnxRuntime | undefined;

/**
 * Hand the library an onnxruntime module you imported yourself (browser apps whose bundler resolves
 * `onnxruntime-web`, or a custom build): every later ONNX load with runtime `'auto'` (and `'web'` / `'node'` when it
 * is that package) uses it instead of importing one.
 *
 * @param ort - the module (`import * as ort from 'onnxruntime-web'`)
 * @param name - which package it is. Defaults to `'onnxruntime-web'`.
 * @example
 * import * as ort from 'onnxruntime-web';
 * provideOnnxRuntime(ort);
 */
export function provideOnnxRuntime(ort: unknown, name: LoadedOnnxRuntime['name'] = 'onnxruntime-web'): void {
  const m = ort as (OnnxRuntime & { default?: OnnxRuntime }) | null;
  const mod = m !== null && typeof m === 'object' && m.InferenceSession === undefined ? m.default : m;
  if (mod === null || mod === undefined || typeof mod.InferenceSession?.create !== 'function' || typeof mod.Tensor !== 'function') {
    throw new TypeError('provideOnnxRuntime: ort must be the onnxruntime module (with InferenceSession and Tensor)');
  }
  provided = { name, ort: mod };
}

/**
 * Import onnxruntime, an optional peer dependency: `onnxruntime-node` in Node (native CPU, CUDA where installed),
 * `onnxruntime-web` in browsers (WebGPU, wasm). In Node without onnxruntime-node it falls back to onnxruntime-web
 * and prints {@link ONNX_WEB_FALLBACK_WARNING} once.
 *
 * @param fn - the public function named in the error
 * @param choice - which package; defaults to `'auto'`
 * @param importer - imports a package (tests); defaults to dynamic `import()`
 * @returns the runtime
 * @throws Error with {@link missingOnnxRuntimeMessage} (one line) when no usable package is installed
 * @example
 * const { name, ort } = await loadOnnxRuntime('loadOnnxEmbedder');
 */
export async function loadOnnxRuntime(
  fn: string,
  choice: OnnxRuntimeChoice = 'auto',
  importer: OnnxModuleImporter = defaultImporter,
): Promise<LoadedOnnxRuntime> {
  if (provided !== undefined && importer === defaultImporter && (choice === 'auto' || provided.name === `onnxruntime-${choice}`)) return provided;
  const cacheable = importer === defaultImporter;
  const key = choice;
  let pending = cacheable ? loaded.get(key) : undefined;
  if (pending === undefined) {
    pending = (async () => {
      if (choice === 'web' || (choice === 'auto' && !isNode())) return tryImport('onnxruntime-web', importer);
      const native = await tryImport('onnxruntime-node', importer);
      if (native !== null || choice === 'node') return native;
      const web = await tryImport('onnxruntime-web', importer);
      if (web !== null && !warned) {
        warned = true;
        console.warn(ONNX_WEB_FALLBACK_WARNING);
      }
      return web;
    })();
    if (cacheable) loaded.set(key, pending);
  }
  const runtime = await pending;
  if (runtime === null) {
    if (cacheable) loaded.delete(key);
    throw new Error(missingOnnxRuntimeMessage(fn));
  }
  return runtime;
}
