/**
 * `npm run bench -- bundle [--list-modules]`
 *
 * The bundle size of each entry of the package as a browser app ships it: the package's ESM build is installed in a
 * scratch folder and a one-line app per row is bundled by esbuild (browser, minified, code-split; see
 * bench/bundleSize.ts). "all of X" imports every export of the entry (`import * as m`), the entry's whole weight;
 * the "app:" rows import a few names, as an app that only segments does, from the subpath and from the root.
 * Sizes are minified bytes and gzip bytes of what loads at start, and of the chunks loaded only through a dynamic
 * `import()` (image decoders, vega, onnxruntime, …). Sizes, not timings: they change only with the code and the
 * versions of the dependencies (esbuild's own version included).
 * @module
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleApp, includesTfjs, prepareBundleWorkspace } from '../bundleSize.js';
import type { BenchSuite } from '../suite.js';
import { formatTable, parseOptions } from '../table.js';

const SEGMENTING_APP = 'decodeImage, segmentNucleus, extractCellFeatures, drawOverlay';

const kib = (bytes: number): string => (bytes / 1024).toFixed(1);

export const bundleSizeSuite: BenchSuite = {
  usage: '  --list-modules   also list the node_modules packages in the initial part of each bundle',
  async run(args) {
    const options = parseOptions(args);
    const root = join(fileURLToPath(new URL('../../', import.meta.url)), 'node_modules', '.cache', 'lymphomix-bundle-bench');
    const workspace = await prepareBundleWorkspace(root);
    const apps: [string, string][] = [];
    for (const entry of workspace.entries) {
      if (entry.endsWith('/node')) continue; // Node-only: no browser app bundles it.
      apps.push([`all of ${entry}`, `import * as m from '${entry}';\nglobalThis.lymphomix = m;\n`]);
    }
    for (const entry of ['lymphomix/segmentation', 'lymphomix']) {
      apps.push([`app: {${SEGMENTING_APP}} from ${entry}`, `import { ${SEGMENTING_APP} } from '${entry}';\nglobalThis.lymphomix = { ${SEGMENTING_APP} };\n`]);
    }
    const rows: (string | number)[][] = [];
    const listings: string[] = [];
    for (const [i, [label, code]] of apps.entries()) {
      const b = await bundleApp(workspace, `app-${i}`, code);
      rows.push([label, kib(b.initialBytes), kib(b.initialGzipBytes), kib(b.lazyBytes), kib(b.lazyGzipBytes), includesTfjs(b.initialModules) ? 'yes' : 'no']);
      if (options.has('list-modules')) {
        const packages = new Set(b.initialModules.map((m) => /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(m)?.[1]).filter((p) => p !== undefined && p !== 'lymphomix' && p !== '.cache'));
        listings.push(`${label}: ${[...packages].sort().join(', ') || '(none)'}`);
      }
    }
    console.log(`esbuild bundles (platform browser, minified, split), KiB; node ${process.version}\n`);
    console.log(formatTable(['app', 'initial min', 'initial gzip', 'lazy min', 'lazy gzip', 'tfjs at start'], rows));
    if (listings.length > 0) console.log(`\npackages in the initial part:\n${listings.join('\n')}`);
  },
};
