// Imports the built package through its exports map, as ESM and as CJS, every entry (the root and the subpaths), and
// checks a few public names of each, that each subpath is a part of the root (in ESM the same values: one copy of the
// library, e.g. one ArgumentError class), and that
// `lymphomix/segmentation` loads no tfjs.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
/** Each entry and names it must export. */
const entries = {
  lymphomix: [
    'createRgbImage',
    'decodeImage',
    'segmentNucleus',
    'extractCellFeatures',
    'FEATURE_NAMES',
    // the one error class, the one PRNG, the one progress reporter, the one backend set-up
    'ArgumentError',
    'seededRandom',
    'createProgressReporter',
    'ensureBackend',
    'LymphocytosisPipeline',
    'registerEstimator',
  ],
  'lymphomix/segmentation': ['ArgumentError', 'createRgbImage', 'decodeImage', 'thresholdOtsu', 'segmentNucleus', 'extractCellFeatures', 'extractTextureFeatures', 'drawOverlay'],
  'lymphomix/backbones': ['ArgumentError', 'createBackbone', 'embedImages', 'OnnxEmbedder', 'loadOnnxEmbedder', 'initBackend', 'ensureBackend'],
  'lymphomix/node': ['extractFeaturesBatch', 'openContentCache', 'readRegularFile', 'loadCohort', 'writeSyntheticCohort', 'embedImagesPool', 'loadTfjsNode'],
  'lymphomix/cli': ['runCli', 'CliError', 'EXIT_CODES'],
};

let failed = false;
const fail = (message) => {
  console.error(`check-package: ${message}`);
  failed = true;
};

// `lymphomix/segmentation` first, in a fresh process state: it must not load tfjs (checked through the CJS cache below
// for CJS; for ESM, no tfjs module may have been evaluated, which `globalThis.tf`-free tfjs cannot tell, so the check
// is on the require cache after the CJS import, before anything else is required).
const require = createRequire(resolve(root, 'package.json'));
require('lymphomix/segmentation');
const tfjsLoaded = Object.keys(require.cache).filter((f) => f.includes('@tensorflow'));
if (tfjsLoaded.length > 0) fail(`require('lymphomix/segmentation') loaded tfjs: ${tfjsLoaded[0]}`);
else console.log('check-package: CJS lymphomix/segmentation loads no @tensorflow module');

// Self-reference by package name goes through the "exports" map, as a user's import would.
const loaded = {};
for (const [name, expected] of Object.entries(entries)) {
  for (const kind of ['ESM', 'CJS']) {
    const mod = kind === 'ESM' ? await import(name) : require(name);
    loaded[`${kind} ${name}`] = mod;
    const missing = expected.filter((n) => !(n in mod));
    if (missing.length > 0) fail(`${kind} ${name} lacks ${missing.join(', ')}`);
    else console.log(`check-package: ${kind} ${name} exports ${Object.keys(mod).length} names, including ${expected.join(', ')}`);
  }
}

// A bad argument throws the build's own ArgumentError (a TypeError), so that users can catch it by class.
for (const kind of ['ESM', 'CJS']) {
  const mod = loaded[`${kind} lymphomix`];
  try {
    mod.createRgbImage(0, 1);
    fail(`${kind} createRgbImage(0, 1) did not throw`);
  } catch (e) {
    if (!(e instanceof mod.ArgumentError) || !(e instanceof TypeError)) {
      fail(`${kind} createRgbImage(0, 1) threw ${e?.constructor?.name}, not the build's ArgumentError (a TypeError)`);
    }
  }
  // Each subpath is a part of the root entry. In ESM the entries share one copy of the code (split chunks), so every
  // name of a subpath is the root's very same value (one ArgumentError class, one registry); in CJS each entry is a
  // self-contained file (see tsup.config.ts), so the names are the root's names.
  for (const sub of ['lymphomix/segmentation', 'lymphomix/backbones', 'lymphomix/node']) {
    const subMod = loaded[`${kind} ${sub}`];
    const names = Object.keys(subMod).filter((n) => n !== 'default' && n !== '__esModule');
    const notRoot = names.filter((n) => (kind === 'ESM' ? subMod[n] !== mod[n] : !(n in mod)));
    if (notRoot.length > 0) fail(`${kind} ${sub} exports ${notRoot.length} name(s) that are not the root's: ${notRoot.slice(0, 8).join(', ')}`);
  }
}
// The worker pool from each build: a thread imports the worker module that the build locates beside its own code
// (in ESM from a shared chunk, in CJS from the entry's file), through piscina imported as that format does.
for (const kind of ['ESM', 'CJS']) {
  const mod = loaded[`${kind} lymphomix`];
  const png = await mod.encodePng(mod.createRgbImage(16, 16));
  try {
    const { results } = await loaded[`${kind} lymphomix/node`].extractFeaturesBatch([png, png], { workers: 2 });
    if (results.length !== 2) fail(`${kind} extractFeaturesBatch with 2 workers returned ${results.length} results for 2 images`);
    else console.log(`check-package: ${kind} extractFeaturesBatch runs on a pool of 2 worker threads`);
  } catch (e) {
    fail(`${kind} extractFeaturesBatch with 2 workers fails: ${e?.message ?? e}`);
  }
}
if (failed) process.exit(1);
console.log('check-package: every subpath is a part of the root (in ESM the same objects: one copy of the library)');
