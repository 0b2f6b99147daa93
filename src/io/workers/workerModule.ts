/**
 * The worker modules of the library's pools, built or from source: finding a worker module beside the calling
 * module and, for a TypeScript entry (tests under vitest, scripts under tsx), a bootstrap module that loads it
 * through tsx. Used by {@link startWorkerPool} for the feature worker (`features/batch/featureWorker.ts`) and the
 * embedding worker (`models/backbones/embeddingWorker.ts`). Node-only: `node:*` modules are imported dynamically so
 * that browser bundles never load them.
 * @module
 */
import { atomicWriteFile } from '../bytes/atomicWriteFile.js';

/**
 * The first of `candidates` (module specifiers relative to `base`) that exists on disk.
 *
 * @param candidates - relative specifiers, most preferred first, e.g. `['./worker.js', './worker.ts']`
 * @param base - `file:` URL the candidates are relative to (usually the calling module's URL)
 * @param fnName - the function named in the error message
 * @param hint - what the user can do instead, appended to the error message
 * @returns the `file:` URL of the first candidate that exists
 * @throws Error naming `fnName` and listing the candidates when none exists
 * @example
 * const url = await findWorkerModule(['./worker.js', './worker.ts'], import.meta.url, 'resolveMyWorker', 'pass workerUrl');
 */
export async function findWorkerModule(
  candidates: readonly string[],
  base: string,
  fnName: string,
  hint: string,
): Promise<URL> {
  const { existsSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  const urls = candidates.map((p) => new URL(p, base));
  for (const url of urls) {
    if (existsSync(fileURLToPath(url))) return url;
  }
  throw new Error(`${fnName}: no worker entry found (tried ${urls.map((u) => u.href).join(', ')}); ${hint}`);
}

/**
 * A module specifier as a URL: URLs (`file:`, `data:`, …) as they are, paths resolved against the
 * working directory (a Windows drive letter counts as a path).
 *
 * @param spec - a URL, a URL string or a path
 * @returns the URL
 * @example
 * (await toModuleUrl('test/fixtures/fake.mjs')).href; // 'file:///…/test/fixtures/fake.mjs'
 */
export async function toModuleUrl(spec: string | URL): Promise<URL> {
  if (spec instanceof URL) return spec;
  if (/^[a-z][a-z0-9+.-]+:/i.test(spec)) return new URL(spec);
  const { pathToFileURL } = await import('node:url');
  const { resolve } = await import('node:path');
  return pathToFileURL(resolve(spec));
}

/**
 * The file a pool's threads should import for `entry`: `entry` itself for JavaScript, or for a TypeScript entry a
 * small bootstrap module (written once per process to the temporary folder) that registers tsx's ESM loader in the
 * thread and re-exports the entry's default export (threads do not inherit vitest's transform, and `--import tsx`
 * via `execArgv` does not reach a thread's own loader). tsx is a development dependency: a TypeScript entry
 * without tsx installed fails with a message that says so.
 *
 * @param entry - the worker module's `file:` URL (`.js`, `.mjs`, `.cjs`, `.ts`, `.mts` or `.cts`)
 * @param fnName - the public function named in the error message, e.g. `'extractFeaturesBatch'`
 * @returns the `file:` URL of the module the threads import
 * @throws Error naming `fnName` when the entry is TypeScript and tsx cannot be loaded
 * @example
 * const file = await workerThreadEntry(entry, 'extractFeaturesBatch'); // given to piscina as `filename`
 */
export async function workerThreadEntry(entry: URL, fnName: string): Promise<URL> {
  if (!/\.[cm]?ts$/.test(entry.pathname)) return entry;
  const { createRequire } = await import('node:module');
  const { pathToFileURL } = await import('node:url');
  const { dirname, join } = await import('node:path');
  const { readFileSync } = await import('node:fs');
  let api: string;
  try {
    const require = createRequire(entry);
    const pkgPath = require.resolve('tsx/package.json');
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as {
      exports: Record<string, { import?: { default?: string } }>;
    };
    const rel = pkg.exports['./esm/api']?.import?.default;
    if (rel === undefined) throw new Error('tsx has no ./esm/api export');
    api = pathToFileURL(join(dirname(pkgPath), rel)).href;
  } catch (error) {
    throw new Error(
      `${fnName}: the worker entry ${entry.href} is TypeScript and tsx could not be loaded ` +
        `(${error instanceof Error ? error.message : String(error)}); build the package or pass workers: 0`,
    );
  }
  const code =
    `const { register } = await import(${JSON.stringify(api)});\n` +
    `register();\n` +
    `const entry = await import(${JSON.stringify(entry.href)});\n` +
    `export default entry.default;\n`;
  const { createHash } = await import('node:crypto');
  const { tmpdir } = await import('node:os');
  const { existsSync } = await import('node:fs');
  const file = join(tmpdir(), `lymphomix-tsx-worker-${createHash('sha256').update(code).digest('hex').slice(0, 20)}.mjs`);
  // Atomic: several pools (or processes) may write the same bootstrap at once.
  if (!existsSync(file)) await atomicWriteFile(file, code);
  return pathToFileURL(file);
}

/**
 * The URL of the module asking for its worker: `import.meta.url` in ESM (source, `dist/index.js`), else the CommonJS
 * build's `__filename` (`dist/index.cjs`, one bundle, so the same file as the asking module).
 *
 * @param metaUrl - the asking module's `import.meta.url` (undefined in the CommonJS build)
 * @param fnName - the function named in the error message
 * @param hint - what the user can do instead
 * @returns the module's URL
 * @throws Error naming `fnName` when neither is available
 */
export async function callerModuleUrl(metaUrl: string | undefined, fnName: string, hint: string): Promise<string> {
  if (typeof metaUrl === 'string' && metaUrl.length > 0) return metaUrl;
  if (typeof __filename === 'string') return (await import('node:url')).pathToFileURL(__filename).href;
  throw new Error(`${fnName}: cannot locate this module; ${hint}`);
}
