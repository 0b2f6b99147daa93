/**
 * Bundle the library for the browser (tsup/esbuild, `platform: 'browser'`, everything bundled,
 * tfjs included) into a fresh folder under `os.tmpdir()`.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');

/** Where a browser bundle was written. */
export interface BrowserBundle {
  /** The folder holding the bundle (delete it when done). */
  dir: string;
  /** File name of the ESM bundle inside `dir`. */
  file: string;
}

/**
 * Bundle `src/index.ts` (or another entry under the repository) as one ESM file for browsers.
 *
 * Node built-ins that the library imports lazily (`await import('node:fs/promises')`) stay dynamic
 * imports in the bundle: they fail only if a browser code path reaches them.
 *
 * @param entry - entry file relative to the repository root. Defaults to `'src/index.ts'`.
 * @returns the output folder and file name
 * @example
 * const { dir, file } = await bundleForBrowser();
 */
export async function bundleForBrowser(entry = 'src/index.ts'): Promise<BrowserBundle> {
  const { build } = await import('tsup');
  const dir = await mkdtemp(join(tmpdir(), 'lymphomix-browser-'));
  await build({
    entry: { lymphomix: join(repoRoot, entry) },
    outDir: dir,
    format: ['esm'],
    platform: 'browser',
    target: 'es2022',
    dts: false,
    sourcemap: false,
    splitting: false,
    clean: false,
    silent: true,
    config: false,
    noExternal: [/.*/],
  });
  return { dir, file: 'lymphomix.js' };
}
