import { defineConfig } from 'tsup';

// One build for every entry, split into shared chunks (dist/chunk-*.js, dist/chunk-*.cjs): each entry imports the
// chunks it needs, so the entries share one copy of the library at run time (one estimator registry, one ArgumentError
// class for `lymphomix`, `lymphomix/cli` and the subpaths) and a bundler only pulls in the chunks an entry reaches
// (`lymphomix/segmentation` reaches no tfjs). The chunks sit in dist/ itself, beside index.js, so that a worker
// module resolved relative to the calling code (`./features/batch/featureWorker.js`) is found from a chunk as from
// index.js. CommonJS splitting is tsup's (esbuild splits ESM only, and tsup converts the split ESM to CommonJS, which
// leaves `import.meta` as it is: a syntax error in CommonJS). So in the CommonJS build `import.meta.url` is
// `undefined`, as esbuild makes it in an unsplit CommonJS build, and the code falls back to `__filename` there.
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
  splitting: true,
  esbuildOptions(options, { format }) {
    if (format === 'cjs') options.define = { ...options.define, 'import.meta.url': 'undefined' };
  },
  // Keep `node:` on Node's built-ins (tsup strips it by default, for Node versions older than engines allows): a
  // browser bundler then knows them for what they are, rather than looking for an npm package named `os` or `path`.
  removeNodeProtocol: false,
  external: ['sharp', /^node:/, /^@tensorflow\//, 'jimp', 'ndarray'],
});
