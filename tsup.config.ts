import { defineConfig } from 'tsup';

// The ESM build (what `import`, bundlers and the `lymphomix` command use) is split into shared chunks
// (dist/chunk-*.js): each entry imports the chunks it needs, so the entries share one copy of the library at run time
// (one estimator registry, one ArgumentError class for `lymphomix`, `lymphomix/cli` and the subpaths) and a bundler
// only pulls in the chunks an entry reaches (`lymphomix/segmentation` reaches no tfjs). The chunks sit in dist/
// itself, beside index.js, so that a worker module resolved relative to the calling code
// (`./features/batch/featureWorker.js`) is found from a chunk as from index.js.
// The CommonJS build stays one self-contained file per entry (tsup's default): tsup splits CommonJS by converting
// split ESM with an interop helper that loses non-enumerable exports (piscina's `Piscina`: 'Piscina is not a
// constructor'), where esbuild's own CommonJS output imports them right. So under `require`, each entry has its own
// copy of the library (a kind registered through `require('lymphomix')` is not seen by `require('lymphomix/cli')`).
// `import.meta.url` is `undefined` in CommonJS (as esbuild makes it, without its warning): the code falls back to
// `__filename` there.
export default defineConfig({
  // Output paths mirror src/ (src/entries/segmentation.ts → dist/entries/segmentation.js, …).
  entry: [
    'src/index.ts',
    'src/entries/segmentation.ts',
    'src/entries/backbones.ts',
    'src/entries/node.ts',
    'src/cli/index.ts',
    'src/cli/bin.ts',
    'src/features/batch/featureWorker.ts',
    'src/models/backbones/embeddingWorker.ts',
  ],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  esbuildOptions(options, { format }) {
    if (format === 'cjs') options.define = { ...options.define, 'import.meta.url': 'undefined' };
  },
  // Keep `node:` on Node's built-ins (tsup strips it by default, for Node versions older than engines allows): a
  // browser bundler then knows them for what they are, rather than looking for an npm package named `os` or `path`.
  removeNodeProtocol: false,
  external: ['sharp', /^node:/, /^@tensorflow\//, 'jimp', 'ndarray'],
});
