import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/core/index.js';
import { encodePng } from '../../../src/io/image/encodePng.js';
import { createRgbImage } from '../../../src/io/image/rgbImage.js';

// Kill -9 at several points of a real extractFeaturesBatch (jimp, real segmentation) in a child process, then rerun:
// it completes, what was reported done is served from the cache, and the result equals an uninterrupted run. And two
// processes writing one cache at once lose nothing and corrupt nothing.

const N = 36;
let dir: string;
let script: string;
let paths: string[];

/** A synthetic cell: a dark purple disk of a random radius and place on a pale pink background, with noise. */
function cell(seed: number): ReturnType<typeof createRgbImage> {
  const rand = seededRandom(seed);
  const size = 80;
  const r = rand.uniform(10, 25);
  const cx = rand.uniform(30, 50);
  const cy = rand.uniform(30, 50);
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const inside = (x - cx) ** 2 + (y - cy) ** 2 < r * r;
      const n = rand.int(-8, 9);
      const rgb = inside ? [90, 40, 140] : [235, 205, 225];
      data.set(rgb.map((v) => Math.max(0, Math.min(255, v + n))), 3 * (y * size + x));
    }
  }
  return createRgbImage(size, size, data);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lymphomix-kill-'));
  paths = [];
  for (let i = 0; i < N; i++) {
    const p = join(dir, `img-${String(i).padStart(2, '0')}.png`);
    await writeFile(p, await encodePng(cell(1000 + i)));
    paths.push(p);
  }
  await writeFile(join(dir, 'paths.json'), JSON.stringify(paths));
  script = join(dir, 'run.mts');
  const src = new URL('../../../src/features/batch/extractFeaturesBatch.ts', import.meta.url).href;
  // argv: cacheDir, workers, order ('fwd' | 'rev'). Prints one line per image, then the result.
  await writeFile(
    script,
    `import { readFileSync } from 'node:fs';
import { extractFeaturesBatch } from ${JSON.stringify(src)};
const [cacheDir, workers, order] = process.argv.slice(2);
let paths = JSON.parse(readFileSync(${JSON.stringify(join(dir, 'paths.json'))}, 'utf8'));
if (order === 'rev') paths = [...paths].reverse();
const r = await extractFeaturesBatch(paths, {
  cacheDir, workers: Number(workers), decode: { decoder: 'jimp' },
  onProgress: (e) => process.stdout.write('DONE ' + JSON.stringify({ source: e.detail.source, cached: e.detail.cached, done: e.done }) + '\\n'),
});
process.stdout.write('RESULT ' + JSON.stringify(r) + '\\n');
`,
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Images computed (not served from the cache) that this run reported done, in order. */
  computed: string[];
  result: { results: { source: string; cached: boolean }[]; failures: unknown[]; invalidCacheEntries: number; cacheWarning?: string } | undefined;
  out: string;
}

/**
 * Runs the batch in a child process; `killWhen` (computed images reported so far, ms since start) → true kills it
 * with SIGKILL at once.
 */
function run(cacheDir: string, killWhen?: (computed: number, ms: number) => boolean, workers = 0, order = 'fwd'): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, cacheDir, String(workers), order], { stdio: ['ignore', 'pipe', 'pipe'] });
    const started = Date.now();
    const r: Run = { code: null, signal: null, computed: [], result: undefined, out: '' };
    let buffer = '';
    let killed = false;
    let lastCached = 0;
    const check = (): void => {
      if (!killed && killWhen?.(r.computed.length, Date.now() - started) === true) {
        killed = true;
        child.kill('SIGKILL');
      }
    };
    const timer = killWhen === undefined ? undefined : setInterval(check, 5);
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (killed) continue; // printed after the kill was decided: not counted
        if (line.startsWith('DONE ')) {
          const e = JSON.parse(line.slice(5)) as { source: string; cached: number };
          if (e.cached === lastCached) r.computed.push(e.source);
          lastCached = e.cached;
          check();
        } else if (line.startsWith('RESULT ')) r.result = JSON.parse(line.slice(7)) as Run['result'];
      }
    });
    child.stderr.on('data', (d: Buffer) => (r.out += d.toString()));
    const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (timer !== undefined) clearInterval(timer);
      r.code = code;
      r.signal = signal;
      resolve(r);
    });
  });
}

/** The results without `cached` (and `index`, which depends on the order), keyed by source. */
function bySource(result: Run['result']): Record<string, unknown> {
  return Object.fromEntries((result?.results ?? []).map(({ cached: _c, index: _i, ...rest }: { cached: boolean; index?: number; source: string }) => [rest.source, rest]));
}

/** Every entry file of the cache parses as JSON (no partial file is left under an entry's name). */
async function entriesParse(cacheDir: string): Promise<number> {
  const files = (await readdir(cacheDir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile() && e.name.endsWith('.json'));
  for (const f of files) JSON.parse(await readFile(join(f.parentPath, f.name), 'utf8'));
  return files.length;
}

describe('kill -9 and resume, two writers (child processes, real images)', () => {
  it('killed at several points, the rerun completes, recomputes nothing reported done, and equals an uninterrupted run', async () => {
    const reference = await run(join(dir, 'ref'));
    expect(reference.code, reference.out).toBe(0);
    expect(reference.result?.failures).toEqual([]);
    expect(reference.result?.results.filter((x) => x.cached)).toEqual([]);
    expect(Object.keys(bySource(reference.result))).toHaveLength(N);
    expect(reference.result?.results.filter((x) => (x as { status?: string }).status === 'ok').length).toBeGreaterThan(N / 2);

    const cacheDir = join(dir, 'killed');
    const done = new Set<string>();
    // Early (while loading), after 1, 5 and 9 more images computed, and once in the worker pool.
    const kills: [(c: number, ms: number) => boolean, number][] = [
      [(_c, ms) => ms > 400, 0],
      [(c) => c >= 1, 0],
      [(c) => c >= 5, 0],
      [(c) => c >= 9, 0],
      [(c) => c >= 3, 2],
    ];
    for (const [when, workers] of kills) {
      const killed = await run(cacheDir, when, workers);
      expect(killed.signal, killed.out).toBe('SIGKILL');
      for (const s of killed.computed) done.add(s);
    }
    expect(done.size).toBeGreaterThanOrEqual(15);
    expect(done.size).toBeLessThan(N);

    const resumed = await run(cacheDir);
    expect(resumed.code, resumed.out).toBe(0);
    const result = resumed.result!;
    expect(result.failures).toEqual([]);
    expect(result.invalidCacheEntries).toBe(0);
    const cached = new Set(result.results.filter((x) => x.cached).map((x) => x.source));
    for (const s of done) expect(cached.has(s), `${s} was reported done before a kill but recomputed`).toBe(true);
    expect(resumed.computed.length).toBe(N - cached.size);
    expect(bySource(result)).toEqual(bySource(reference.result));
    expect(await entriesParse(cacheDir)).toBe(N);
  }, 300_000);

  it('two processes writing the same cache at once lose nothing and corrupt nothing', async () => {
    const cacheDir = join(dir, 'shared');
    const reference = await run(join(dir, 'ref2'));
    const [a, b] = await Promise.all([run(cacheDir, undefined, 0, 'fwd'), run(cacheDir, undefined, 0, 'rev')]);
    expect(a.code, a.out).toBe(0);
    expect(b.code, b.out).toBe(0);
    expect(bySource(a.result)).toEqual(bySource(reference.result));
    expect(bySource(b.result)).toEqual(bySource(reference.result));
    expect(await entriesParse(cacheDir)).toBe(N);
    const third = await run(cacheDir);
    expect(third.result?.results.every((x) => x.cached)).toBe(true);
    expect(third.result?.invalidCacheEntries).toBe(0);
    expect(bySource(third.result)).toEqual(bySource(reference.result));
  }, 300_000);
});
