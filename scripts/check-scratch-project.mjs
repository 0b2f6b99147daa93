// What a new user meets: packs the built package, installs the tarball in a scratch project in a temp folder, runs
// a Vite production build of a browser page that imports `lymphomix` and `lymphomix/segmentation`, runs the guide's
// walkthrough (docs/guide.md: the lymphomix commands as written, synthetic cohort to a prediction), type-checks the
// README's "30-second example" and the guide's snippets under a strict tsconfig (strict, exactOptionalPropertyTypes,
// noUncheckedIndexedAccess; no casts needed), and compiles and runs them on that cohort.
//
// Usage: npm run build && node scripts/check-scratch-project.mjs [--keep]
// Offline: the tarball is installed with `npm install --offline` (dependencies from the npm cache); when the cache
// cannot serve them, the package is unpacked into the scratch project's node_modules and this repository's
// installed dependencies are linked beside it. Exits non-zero, with the compiler's or the program's output, on failure.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const started = performance.now();
const log = (message) => console.log(`check-scratch-project: ${message} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
const fail = (message) => {
  console.error(`check-scratch-project: ${message}`);
  process.exit(1);
};

/** The ```<lang> blocks of the section headed `heading` of a markdown document. */
function readmeExamples(readme, heading, lang = 'ts', doc = 'README.md') {
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start < 0) fail(`${doc} has no "## ${heading}" section`);
  const rest = readme.slice(start + heading.length + 5);
  const end = rest.search(/\n## /);
  const section = end < 0 ? rest : rest.slice(0, end);
  const blocks = [...section.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
  if (blocks.length === 0) fail(`${doc}'s "${heading}" section has no \`\`\`${lang} block`);
  return blocks;
}

/** Type assertions (`x as T`, `<T>x`) and non-null assertions (`x!`) in `code`: a user's example needs none. */
function castsIn(code) {
  const ts = createRequire(join(root, 'package.json'))('typescript');
  const file = ts.createSourceFile('example.ts', code, ts.ScriptTarget.Latest, true);
  const found = [];
  const visit = (node) => {
    const isConst = ts.isAsExpression(node) && ts.isTypeReferenceNode(node.type) && node.type.getText(file) === 'const';
    if ((ts.isAsExpression(node) && !isConst) || ts.isTypeAssertionExpression(node) || ts.isNonNullExpression(node)) {
      found.push(node.getText(file));
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function run(command, args, cwd, { allowFailure = false, timeout = 120_000 } = {}) {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (!allowFailure && r.status !== 0) {
    fail(`${command} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}) in ${cwd}:\n${output.slice(-6000)}`);
  }
  return { ok: r.status === 0, output };
}

if (!existsSync(join(root, 'dist', 'index.js')) || !existsSync(join(root, 'dist', 'index.d.ts'))) {
  fail('dist/ is missing: run `npm run build` first');
}
const tmp = await mkdtemp(join(tmpdir(), 'lymphomix-scratch-'));
try {
  // 1. The tarball, as `npm publish` would upload it.
  // prepack builds dist/ and the API reference (typedoc): minutes on a loaded machine.
  // (Its output mixes in prepack's, so the tarball is found in the destination folder.)
  const packOutput = run('npm', ['pack', '--silent', '--pack-destination', tmp], root, { timeout: 600_000 }).output;
  const packed = (await readdir(tmp)).find((f) => f.endsWith('.tgz'));
  if (packed === undefined) fail(`npm pack wrote no tarball in ${tmp}:\n${packOutput.slice(-4000)}`);
  const tarball = join(tmp, packed);
  // The package carries the HTML API reference of every entry point with its docs.
  const listing = new Set(run('tar', ['-tzf', tarball], tmp).output.split('\n'));
  const pages = ['index.html', 'modules/lymphomix.html', 'modules/segmentation.html', 'modules/backbones.html', 'modules/node.html', 'modules/cli.html'];
  const missingPages = pages.filter((p) => !listing.has(`package/docs/api/${p}`));
  if (missingPages.length > 0) fail(`the tarball lacks the API reference page(s) docs/api/${missingPages.join(', docs/api/')}`);
  if ([...listing].some((f) => /^package\/(test|\.\.\/shared)\//.test(f))) fail('the tarball carries test/ or ../shared files');
  log(`packed ${packed} (${listing.size - 1} files, the API reference in docs/api/ included)`);

  // 2. A scratch ESM project that installs it.
  const project = join(tmp, 'project');
  await mkdir(project);
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }, null, 2));
  const install = run(
    'npm',
    ['install', '--offline', '--no-audit', '--no-fund', '--no-save', '--ignore-scripts', '--loglevel=error', tarball],
    project,
    { allowFailure: true, timeout: 90_000 },
  );
  let how = 'npm install --offline';
  if (!install.ok) {
    how = 'unpacked tarball + linked dependencies (the npm cache could not serve an offline install)';
    await rm(join(project, 'node_modules'), { recursive: true, force: true });
    await mkdir(join(project, 'node_modules'), { recursive: true });
    run('tar', ['-xzf', tarball, '-C', tmp], tmp);
    await rename(join(tmp, 'package'), join(project, 'node_modules', 'lymphomix'));
  }
  // The package's declared dependencies that the install could not provide, and the user's own tools (typescript,
  // @types/node), are linked from this repository's node_modules: only those, so that an undeclared dependency (e.g.
  // types the public .d.ts needs) shows up here as it would for a user.
  const manifest = JSON.parse(await readFile(join(project, 'node_modules', 'lymphomix', 'package.json'), 'utf8'));
  const needed = [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.optionalDependencies ?? {}), 'typescript', '@types/node'];
  for (const name of needed) {
    const target = join(project, 'node_modules', name);
    if (existsSync(target) || !existsSync(join(root, 'node_modules', name))) continue;
    await mkdir(join(target, '..'), { recursive: true });
    await symlink(join(root, 'node_modules', name), target, 'dir');
  }
  log(`installed with ${how}`);

  // 2b. A browser app of the user's: a Vite production build of a page that imports the root and a subpath (Vite is
  // the user's tool, linked from this repository's devDependencies). Fails on any error of the build (resolution of
  // the exports map, a Node-only import the browser build cannot stub, syntax).
  const vite = join(project, 'node_modules', 'vite');
  if (!existsSync(vite)) await symlink(join(root, 'node_modules', 'vite'), vite, 'dir');
  const web = join(project, 'web');
  await mkdir(web);
  await writeFile(
    join(web, 'index.html'),
    '<!doctype html>\n<html><head><meta charset="utf-8"><title>lymphomix in a Vite build</title></head>\n' +
      '<body><pre id="out"></pre><script type="module" src="./main.js"></script></body></html>\n',
  );
  await writeFile(
    join(web, 'main.js'),
    `import { createRgbImage, segmentNucleus, extractCellFeatures } from 'lymphomix/segmentation';
import { LymphocytosisPipeline, initBackend } from 'lymphomix';
const image = createRgbImage(32, 32);
const out = document.getElementById('out');
out.textContent = [segmentNucleus(image).status, extractCellFeatures(image).status, typeof LymphocytosisPipeline].join(' ');
initBackend('cpu').then(({ backend }) => { out.textContent += ' ' + backend; });
`,
  );
  const viteBuild = run(process.execPath, [join(vite, 'bin', 'vite.js'), 'build', '--logLevel', 'warn', '--outDir', join(project, 'web-dist'), web], project, {
    allowFailure: true,
    timeout: 300_000,
  });
  if (!viteBuild.ok) fail(`vite build of a page importing lymphomix and lymphomix/segmentation fails:\n${viteBuild.output.slice(-6000)}`);
  const assets = (await readdir(join(project, 'web-dist', 'assets'))).filter((f) => f.endsWith('.js'));
  log(`vite build of a page importing lymphomix and lymphomix/segmentation: ${assets.length} JS file(s)`);

  // 3. The README's examples as the user's files, plus what "typed for users" means, under a strict tsconfig.
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  const guide = await readFile(join(root, 'docs', 'guide.md'), 'utf8');
  // The README's 30-second example, then the guide's walkthrough and module snippets.
  const examples = [
    ...readmeExamples(readme, '30-second example'),
    ...readmeExamples(guide, 'Walkthrough: train, save, predict', 'ts', 'docs/guide.md'),
    ...readmeExamples(guide, 'The modules, one line each', 'ts', 'docs/guide.md'),
  ];
  const walkthrough = readmeExamples(guide, 'Walkthrough: train, save, predict', 'sh', 'docs/guide.md')
    .join('\n')
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line.startsWith('npx lymphomix '));
  for (const [i, code] of examples.entries()) {
    const casts = castsIn(code);
    if (casts.length > 0) fail(`example ${i + 1} needs casts or non-null assertions: ${casts.join(' | ')}`);
  }
  const compilerOptions = {
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    noImplicitAny: true,
    module: 'nodenext',
    moduleResolution: 'nodenext',
    target: 'es2022',
    lib: ['es2022', 'dom'],
    types: ['node'],
    skipLibCheck: true,
    outDir: 'out',
  };
  await writeFile(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['src/**/*.ts'] }, null, 2));
  await mkdir(join(project, 'src'));
  for (const [i, code] of examples.entries()) await writeFile(join(project, 'src', `readme-${i + 1}.ts`), code);
  await writeFile(
    join(project, 'src', 'public-types.ts'),
    `// The public types are real types for users, not any: each expected error below must occur (an unused
// expect-error directive is itself an error), which it does not when a type resolves to any.
import { createRgbImage, extractCellFeatures, featuresToVector } from 'lymphomix';
import type { CellFeatures, Patient, RgbImage } from 'lymphomix';
// @ts-expect-error: a string is not an RgbImage
const notAnImage: RgbImage = 'pixels';
// @ts-expect-error: a number is not a Patient
const notAPatient: Patient = 1;
// @ts-expect-error: a boolean is not CellFeatures
const notFeatures: CellFeatures = true;
const image: RgbImage = createRgbImage(2, 2);
const shape: number[] = image.shape;
const pixels: Uint8Array = image.data;
const { features } = extractCellFeatures(image);
const row: Float32Array | null = features === null ? null : featuresToVector(features, { dtype: 'float32' });
export const checked = [notAnImage, notAPatient, notFeatures, shape, pixels, row];
`,
  );

  // 4. The guide's shell walkthrough, as written, with the installed package's command (synth writes the cohort).
  const bin = join(project, 'node_modules', 'lymphomix', 'dist', 'cli', 'bin.js');
  for (const line of walkthrough) {
    const args = line.split(/\s+/).slice(2);
    const result = run(process.execPath, [bin, '--quiet', ...args], project, { allowFailure: true, timeout: 600_000 });
    if (!result.ok) fail(`the guide's walkthrough step \`${line}\` fails in the scratch project:\n${result.output.slice(-4000)}`);
    log(`guide walkthrough: ${line}`);
  }
  if (!existsSync(join(project, 'cv', 'report.html')) || !existsSync(join(project, 'model', 'lymphomix-pipeline.json'))) {
    fail("the guide's walkthrough did not write cv/report.html and model/lymphomix-pipeline.json");
  }
  const submission = (await readFile(join(project, 'predictions.csv'), 'utf8')).trim().split('\n');
  if (submission[0] !== 'ID,Predicted' || submission.length < 2) fail(`predictions.csv is not a submission: ${submission.slice(0, 3).join(' | ')}`);

  // 5. A runnable variant of each example on the cohort (the guide's synthetic one, a small one without the guide).
  const cohortDir = join(project, 'trainset');
  await writeFile(
    join(project, 'write-cohort.mjs'),
    `import { writeSyntheticCohort } from 'lymphomix';
await writeSyntheticCohort(${JSON.stringify(cohortDir)}, { seed: 3, patientCount: 20, imagesPerPatient: { min: 2, max: 3 }, masks: false });
`,
  );
  if (!existsSync(join(cohortDir, 'trainset_true.csv'))) run(process.execPath, ['write-cohort.mjs'], project);
  const patient = (await readdir(cohortDir)).filter((n) => /^P\d+$/.test(n)).sort()[0];
  const image = join(cohortDir, patient, (await readdir(join(cohortDir, patient))).sort()[0]);
  for (const [i, code] of examples.entries()) {
    const runnable = code
      .replace(/'trainset\/P(26\/000001|0\/000000)\.jpg'/g, JSON.stringify(image))
      .replace(/'trainset'/g, JSON.stringify(cohortDir))
      .replace(/'\.cache\/features'/g, JSON.stringify(join(project, '.cache', 'features')))
      .replace(/'\.cache'/g, JSON.stringify(join(project, '.cache')))
      .replace(/'model'/g, JSON.stringify(join(project, 'model-api')));
    await writeFile(join(project, 'src', `readme-${i + 1}.runnable.ts`), runnable);
  }
  log(`wrote ${examples.length} example(s) of the README and the guide`);

  const tsc = run(process.execPath, [join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], project, {
    allowFailure: true,
  });
  if (!tsc.ok) fail(`strict tsc rejects the README's example(s) or the public-types check in ${keep ? project : 'the scratch project'}:\n${tsc.output}`);
  log('strict tsc accepts the README example(s) and the public types');

  for (const [i] of examples.entries()) {
    const file = join('out', `readme-${i + 1}.runnable.js`);
    const result = run(process.execPath, [file], project, { allowFailure: true, timeout: 300_000 });
    if (!result.ok) fail(`the example ${i + 1} fails on the synthetic cohort:\n${result.output}`);
    if (/looks like you are running TensorFlow\.js in Node\.js/.test(result.output)) {
      fail(`the example ${i + 1} ran on tfjs's cpu backend (its banner was printed):\n${result.output}`);
    }
    log(`example ${i + 1} runs:\n${result.output.trim().replace(/^/gm, '  | ')}`);
  }
  log('ok');
} finally {
  if (keep) console.log(`check-scratch-project: kept ${tmp}`);
  else await rm(tmp, { recursive: true, force: true });
}
