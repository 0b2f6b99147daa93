// Imports the built package through its exports map, as ESM and as CJS, and checks a few public names.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const expected = [
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
];

// Self-reference by package name goes through the "exports" map, as a user's import would.
const esm = await import('lymphomix');
const require = createRequire(resolve(root, 'package.json'));
const cjs = require('lymphomix');

let failed = false;
for (const [kind, mod] of [['ESM', esm], ['CJS', cjs]]) {
  const missing = expected.filter((name) => !(name in mod));
  if (missing.length > 0) {
    console.error(`check-package: ${kind} build lacks ${missing.join(', ')}`);
    failed = true;
  } else {
    console.log(`check-package: ${kind} build exports ${Object.keys(mod).length} names, including ${expected.join(', ')}`);
  }
}
// A bad argument throws the build's own ArgumentError (a TypeError), so that users can catch it by class.
for (const [kind, mod] of [['ESM', esm], ['CJS', cjs]]) {
  try {
    mod.createRgbImage(0, 1);
    console.error(`check-package: ${kind} createRgbImage(0, 1) did not throw`);
    failed = true;
  } catch (e) {
    if (!(e instanceof mod.ArgumentError) || !(e instanceof TypeError)) {
      console.error(`check-package: ${kind} createRgbImage(0, 1) threw ${e?.constructor?.name}, not the build's ArgumentError (a TypeError)`);
      failed = true;
    }
  }
}
if (failed) process.exit(1);
