import type { BenchSuiteEntry } from '../suite.js';

/**
 * The benchmark suites by name. To add one: write `bench/suites/<name>.ts` exporting a
 * `BenchSuite` and list it here; `npm run bench -- <name>` then runs it.
 */
export const SUITES: Readonly<Record<string, BenchSuiteEntry>> = {
  segmentation: {
    description: 'ms/image of segmentation + features (wall and CPU time, with/without decoding, 1 thread / worker pool)',
    load: async () => (await import('./segmentation.js')).segmentationSuite,
  },
  color: {
    description: 'CPU ms/image of each colour conversion (typed arrays, 224x224)',
    load: async () => (await import('./color.js')).colorSuite,
  },
  mil: {
    description: 'forward + backward time of each MIL aggregator: one ragged batch vs a loop over bags (cpu, wasm)',
    load: async () => (await import('./mil.js')).milSuite,
  },
  training: {
    description: 'mixture-of-experts epoch time: ragged mini-batches vs batch size 1 + accumulation; whole 5-fold CV (cpu)',
    load: async () => (await import('./training.js')).trainingSuite,
  },
  embedding: {
    description: 'images/s of the backbones (ResNet18, ConvNeXt-tiny; random weights, 224x224): cpu, wasm 1 thread, wasm worker pool',
    load: async () => (await import('./embedding.js')).embeddingSuite,
  },
  texture: {
    description: 'ms/cell of the nucleus texture descriptors (area, GLCM, uniform LBP) on real cells, with a breakdown',
    load: async () => (await import('./texture.js')).textureSuite,
  },
  'crop-cnn': {
    description: 'images/s of a training step (forward + backward + Adam) and of the forward pass of the crop CNN at 48 and 64 px (wasm), old im2col vs conv2d implementation side by side; its CPU-fallback kernels',
    load: async () => (await import('./cropCnn.js')).cropCnnSuite,
  },
  memory: {
    description: 'peak RSS (child process) and wall time of features with texture + embeddings over the whole cohort (or --images N)',
    load: async () => (await import('./memory.js')).memorySuite,
  },
  bundle: {
    description: 'bundle size (minified, gzip) of each package entry as a browser app ships it (esbuild), and whether tfjs loads at start',
    load: async () => (await import('./bundleSize.js')).bundleSizeSuite,
  },
};
