import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleApp, includesTfjs, prepareBundleWorkspace } from '../../bench/bundleSize.js';
import type { BundleWorkspace } from '../../bench/bundleSize.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
// Under node_modules/.cache, so that the package's dependencies resolve as they do for an installed package.
const root = join(repo, 'node_modules', '.cache', 'lymphomix-bundle-test');

/** The sources that register a tfjs class at load (`tf.serialization.registerClass(X)`), and X. */
async function registeredClasses(): Promise<string[]> {
  const names: string[] = [];
  const files = (await readdir(join(repo, 'src'), { recursive: true })).filter((f) => f.endsWith('.ts'));
  for (const file of files) {
    const text = await readFile(join(repo, 'src', file), 'utf8');
    for (const m of text.matchAll(/^tf\.serialization\.registerClass\((\w+)\);$/gm)) names.push(m[1]!);
  }
  return names.sort();
}

describe('the package as a browser app bundles it (built ESM, esbuild, minified)', () => {
  let workspace: BundleWorkspace;
  beforeAll(async () => {
    workspace = await prepareBundleWorkspace(root);
  }, 180_000);

  it('has the root and the subpath entries of the exports map', () => {
    expect(workspace.entries).toEqual(expect.arrayContaining(['lymphomix', 'lymphomix/segmentation', 'lymphomix/backbones', 'lymphomix/node']));
  });

  it('lymphomix/segmentation pulls in no tfjs, onnxruntime or vega, eagerly or lazily', async () => {
    const b = await bundleApp(workspace, 'segmentation-all', "import * as m from 'lymphomix/segmentation';\nglobalThis.m = m;\n");
    const all = [...b.initialModules, ...b.lazyModules];
    expect(all.some((m) => m.includes('/lymphomix/dist/'))).toBe(true);
    expect(includesTfjs(all)).toBe(false);
    expect(all.filter((m) => /node_modules\/(onnxruntime|vega)/.test(m))).toEqual([]);
  }, 60_000);

  it('the root entry does pull in tfjs (so the check above can fail)', async () => {
    const b = await bundleApp(workspace, 'root-all', "import * as m from 'lymphomix';\nglobalThis.m = m;\n");
    expect(includesTfjs(b.initialModules)).toBe(true);
  }, 120_000);

  // sideEffects: false lets a bundler drop a module none of whose exports is used. The layer classes register
  // themselves with tfjs at load; a model loaded from JSON finds them only through that registry. The registrations
  // sit in the chunk of the code that loads the models, so a bundle of the loader keeps every one of them.
  it('a bundle of the model loaders keeps every tfjs class registration (sideEffects: false is safe)', async () => {
    const classes = await registeredClasses();
    expect(classes.length).toBeGreaterThanOrEqual(9);
    const b = await bundleApp(
      workspace,
      'loaders',
      "import { loadMixtureOfExperts, loadBackbone } from 'lymphomix';\nglobalThis.m = { loadMixtureOfExperts, loadBackbone };\n",
      ['@tensorflow/*'],
    );
    const registrations = b.initialCode.match(/\.serialization\.registerClass\(/g) ?? [];
    expect(registrations.length).toBe(classes.length);
  }, 60_000);
});
