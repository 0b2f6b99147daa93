/**
 * What a browser app ships when it imports the package: the package's ESM build (the project's tsup settings, as
 * `npm run build` writes dist/) is installed as `node_modules/lymphomix` of a scratch folder under
 * node_modules/.cache, and a one-line app per entry is bundled by esbuild as a browser app would be (platform browser,
 * minified, code splitting so that lazily imported modules land in chunks of their own, `node:*` left out as a
 * browser bundler stubs them). Used by `npm run bench -- bundle` and by test/package/bundleSize.test.ts.
 * @module
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import type { Metafile } from 'esbuild';
import tsupConfig from '../tsup.config.js';
import { buildLikeDist } from '../test/helpers/buildLikeDist.js';

const repo = fileURLToPath(new URL('../', import.meta.url));

/** A scratch folder with the built package installed as `node_modules/lymphomix`. */
export interface BundleWorkspace {
  /** The scratch folder: apps are written and bundled here. */
  root: string;
  /** The package's entries as an app imports them: `'lymphomix'`, `'lymphomix/segmentation'`, … */
  entries: readonly string[];
}

/** The bundle of one app. */
export interface AppBundle {
  /** Minified bytes of the JavaScript loaded at start (the app's file and the chunks it imports statically). */
  initialBytes: number;
  /** Gzip size of the same (each file gzipped on its own, default level, as a web server sends them). */
  initialGzipBytes: number;
  /** Minified bytes of the chunks loaded only through a dynamic `import()` (decoders, vega, onnxruntime, …). */
  lazyBytes: number;
  /** Gzip size of the lazy chunks. */
  lazyGzipBytes: number;
  /** Source modules in the initial part (package files and dependencies). */
  initialModules: readonly string[];
  /** Source modules in the lazy chunks. */
  lazyModules: readonly string[];
  /** The minified JavaScript of the initial part (the app's file, then its static chunks). */
  initialCode: string;
}

/**
 * Builds the package's ESM (every entry of tsup.config.ts) into `<root>/node_modules/lymphomix/dist` with the package's
 * own `exports` map and `sideEffects`.
 *
 * @param root - the scratch folder; under the repository's node_modules (e.g. node_modules/.cache/x) so that the
 *   package's dependencies resolve from there. Emptied first.
 * @returns the workspace
 */
export async function prepareBundleWorkspace(root: string): Promise<BundleWorkspace> {
  await rm(root, { recursive: true, force: true });
  const pkgDir = join(root, 'node_modules', 'lymphomix');
  const entry = Object.fromEntries(
    (tsupConfig as { entry: string[] }).entry.map((src) => [src.replace(/^src\//, '').replace(/\.ts$/, ''), join(repo, src)]),
  );
  await buildLikeDist(entry, join(pkgDir, 'dist'), true);
  const manifest = JSON.parse(await readFile(join(repo, 'package.json'), 'utf8')) as {
    name: string;
    sideEffects: unknown;
    exports: Record<string, string | { import?: { default?: string } }>;
  };
  // The ESM half of the exports map (the build above is ESM only), as a browser bundler resolves it.
  const exports: Record<string, string> = {};
  for (const [key, target] of Object.entries(manifest.exports)) {
    const file = typeof target === 'string' ? target : target.import?.default;
    if (file !== undefined && file.endsWith('.js')) exports[key] = file;
  }
  await writeFile(
    join(pkgDir, 'package.json'),
    JSON.stringify({ name: manifest.name, type: 'module', sideEffects: manifest.sideEffects, exports }, null, 2),
  );
  // The apps' own package: without it the apps' package scope would be the repository's package.json (named
  // lymphomix), and `import 'lymphomix'` would self-reference the repository's dist/ instead of the build above.
  await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'bundle-size-apps', private: true, type: 'module' }, null, 2));
  const entries = Object.keys(exports)
    .filter((k) => k !== './cli')
    .map((k) => (k === '.' ? manifest.name : `${manifest.name}/${k.slice(2)}`));
  return { root, entries };
}

/**
 * Bundles a one-file app for the browser and measures it.
 *
 * @param workspace - from {@link prepareBundleWorkspace}
 * @param name - a file name for the app (letters, digits, -)
 * @param code - the app's source (ESM JavaScript importing `lymphomix…`)
 * @param external - packages left out of the bundle (e.g. `['@tensorflow/*']` to look at the package's own code)
 * @returns the sizes and the modules of the initial and the lazy part
 */
export async function bundleApp(workspace: BundleWorkspace, name: string, code: string, external: readonly string[] = []): Promise<AppBundle> {
  const app = join(workspace.root, `${name}.js`);
  const outdir = join(workspace.root, 'out', name);
  await writeFile(app, code);
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const result = await esbuild({
    entryPoints: [app],
    bundle: true,
    minify: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir,
    write: false,
    metafile: true,
    logLevel: 'silent',
    // Node's built-ins are only imported lazily in Node code paths; a browser bundler (Vite) stubs them too.
    external: ['node:*', ...builtinModules, ...external],
    // tfjs's packages point `browser` fields at Node built-ins they do not need in browsers.
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const meta: Metafile = result.metafile;
  const texts = new Map(result.outputFiles.map((f) => [f.path, f.text]));
  const byKey = (p: string): string => join(repo, p);
  // Dynamic-import chunks have an entryPoint too: the app's output is the one whose entry point is the app's file.
  const appOut = Object.keys(meta.outputs).find((k) => k.endsWith('.js') && meta.outputs[k]?.entryPoint !== undefined && join(repo, meta.outputs[k].entryPoint) === app);
  if (appOut === undefined) throw new Error(`bundleApp: esbuild wrote no output for ${name}`);
  // The static import closure of the app's output file.
  const initial = new Set<string>();
  const visit = (out: string): void => {
    if (initial.has(out)) return;
    initial.add(out);
    for (const imp of meta.outputs[out]?.imports ?? []) if (imp.kind === 'import-statement' && !imp.external) visit(imp.path);
  };
  visit(appOut);
  let initialBytes = 0;
  let initialGzipBytes = 0;
  let lazyBytes = 0;
  let lazyGzipBytes = 0;
  const initialModules = new Set<string>();
  const lazyModules = new Set<string>();
  let initialCode = '';
  for (const [out, info] of Object.entries(meta.outputs)) {
    if (!out.endsWith('.js')) continue;
    const text = texts.get(byKey(out)) ?? '';
    const gz = gzipSync(text).length;
    const inputs = Object.keys(info.inputs);
    if (initial.has(out)) {
      initialBytes += info.bytes;
      initialGzipBytes += gz;
      for (const i of inputs) initialModules.add(i);
      initialCode = out === appOut ? text + initialCode : initialCode + text;
    } else {
      lazyBytes += info.bytes;
      lazyGzipBytes += gz;
      for (const i of inputs) lazyModules.add(i);
    }
  }
  return {
    initialBytes,
    initialGzipBytes,
    lazyBytes,
    lazyGzipBytes,
    initialModules: [...initialModules].sort(),
    lazyModules: [...lazyModules].sort(),
    initialCode,
  };
}

/** Whether a bundle's module list holds any tfjs package (`@tensorflow/…`). */
export function includesTfjs(modules: readonly string[]): boolean {
  return modules.some((m) => m.includes('node_modules/@tensorflow/'));
}
