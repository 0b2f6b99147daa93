/** True when running in Node (or a runtime exposing `process.versions.node`). */
export function isNodeRuntime(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

/** A module loader: `import(specifier)`. Injected in tests; a variable specifier keeps bundlers from resolving it. */
export type ModuleImporter = (specifier: string) => Promise<unknown>;

/** The default {@link ModuleImporter}: a dynamic `import()` that bundlers leave alone. */
export const importModule: ModuleImporter = (specifier) => import(/* @vite-ignore */ specifier);
