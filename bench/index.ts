/**
 * Benchmark runner: `npm run bench -- <suite> [suite options]`.
 *
 * `npm run bench` (or `-- --list`) lists the suites; `npm run bench -- <suite> --help` shows a
 * suite's options; `npm run bench -- all` runs every suite with its defaults. Suites live in
 * `bench/suites/` and are registered in `bench/suites/index.ts`. Timings depend on the machine
 * and its load: every suite prints the environment next to its table.
 * @module
 */
import { SUITES } from './suites/index.js';

async function run(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  const names = Object.keys(SUITES);
  if (name === undefined || name === '--list' || name === '--help') {
    console.log('usage: npm run bench -- <suite> [options]   (or: all)\n\nsuites:');
    for (const n of names) console.log(`  ${n.padEnd(16)} ${SUITES[n]?.description ?? ''}`);
    return 0;
  }
  const selected = name === 'all' ? names : [name];
  for (const n of selected) {
    const entry = SUITES[n];
    if (entry === undefined) {
      console.error(`bench: unknown suite ${JSON.stringify(n)} (known: ${names.join(', ')})`);
      return 2;
    }
    const suite = await entry.load();
    if (rest.includes('--help')) {
      console.log(`${n}: ${entry.description}\n${suite.usage}`);
      continue;
    }
    console.log(`\n## ${n}: ${entry.description}\n`);
    await suite.run(name === 'all' ? [] : rest);
  }
  return 0;
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
