/**
 * Embed every image of a folder with any saved tfjs layers or graph model used as a frozen backbone.
 *
 * Usage: `npx tsx examples/model-backbone.ts <model> <layers|graph> <imagesDir> <out.csv> [options]`
 *
 * - `<model>`: the model's folder or `model.json` path, or a `file:` / http(s) URL of its `model.json`
 *   (saved with `saveModelTo`, `model.save`, or converted with the tfjs converter); `<layers|graph>`: its kind.
 * - Options: `--input-size N` (needed when the model takes any size), `--output-node NAME` (graph models: the
 *   node to read, e.g. the pooling before the classifier), `--mean r,g,b` and `--std r,g,b` (on the [0, 1]
 *   scale; default ImageNet's; `--mean 0,0,0 --std 1,1,1` for a model that takes [0, 1]), `--cache DIR`
 *   (on-disk cache, a rerun resumes), `--workers N` (worker threads; default 0: the calling thread).
 * - Reads every `.jpg`, `.jpeg` and `.png` of `imagesDir` (any depth, sorted); writes `out.csv` with columns
 *   `image` (relative path), `error` and `z0 … z{D−1}`; an image that cannot be read or decoded gets its error and
 *   empty cells, and never stops the run.
 * - Prints the backbone id (the cache key), D and the counts to stdout; exits 0 when the folder was processed,
 *   2 on a usage error.
 * @module
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkBackboneSpec, embedImagesPool, type BackboneSpec, type FrozenModelBackboneOptions, type SavedModelKind } from 'lymphomix';
import { runIfMain } from './runIfMain.js';
import { listImages } from './segment-folder.js';

const USAGE =
  'usage: model-backbone <model> <layers|graph> <imagesDir> <out.csv> [--input-size N] [--output-node NAME] ' +
  '[--mean r,g,b] [--std r,g,b] [--cache DIR] [--workers N]';

/** What the command line asks for. */
export interface ModelBackboneArgs {
  spec: BackboneSpec;
  imagesDir: string;
  out: string;
  cacheDir: string | null;
  workers: number;
}

function triple(text: string, flag: string): number[] {
  const v = text.split(',').map(Number);
  if (v.length !== 3 || v.some((x) => !Number.isFinite(x))) throw new Error(`${flag} needs 3 comma-separated numbers, got ${text}\n${USAGE}`);
  return v;
}

function integer(text: string, flag: string, min: number): number {
  const v = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(v) || v < min) {
    throw new Error(`${flag} needs an integer ≥ ${min}, got ${JSON.stringify(text)}\n${USAGE}`);
  }
  return v;
}

/**
 * Parse the command line.
 *
 * @param argv - the arguments after the script name
 * @returns the parsed arguments
 * @throws Error with the usage line for missing or unknown arguments, a non-numeric or out-of-range number
 *   (`--input-size` ≥ 1, `--workers` ≥ 0, three numbers for `--mean` / `--std`), or backbone options that
 *   `checkBackboneSpec` refuses (e.g. a zero `--std`, `--output-node` with a layers model)
 */
export function parseModelBackboneArgs(argv: readonly string[]): ModelBackboneArgs {
  const positional: string[] = [];
  const options: FrozenModelBackboneOptions = {};
  let cacheDir: string | null = null;
  let workers = 0;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const value = argv[++i];
    if (value === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
    if (a === '--input-size') options.inputSize = integer(value, a, 1);
    else if (a === '--output-node') options.outputNode = value;
    else if (a === '--mean') options.mean = triple(value, a);
    else if (a === '--std') options.std = triple(value, a);
    else if (a === '--cache') cacheDir = value;
    else if (a === '--workers') workers = integer(value, a, 0);
    else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  const [model, kind, imagesDir, out] = positional;
  if (model === undefined || imagesDir === undefined || out === undefined || positional.length !== 4) throw new Error(USAGE);
  if (kind !== 'layers' && kind !== 'graph') throw new Error(`the kind must be layers or graph, got ${kind}\n${USAGE}`);
  const spec: BackboneSpec = { model: { url: model, kind: kind as SavedModelKind }, options };
  try {
    checkBackboneSpec(spec, 'model-backbone');
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`, { cause: e });
  }
  return { spec, imagesDir, out, cacheDir, workers };
}

/** One CSV field: quoted when it holds a comma, quote or line break. */
function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * Run the example.
 *
 * @param argv - the arguments after the script name
 * @returns the exit code: 0 done, 2 usage error
 */
export async function main(argv: readonly string[]): Promise<number> {
  let args: ModelBackboneArgs;
  try {
    args = parseModelBackboneArgs(argv);
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    return 2;
  }
  const files = await listImages(args.imagesDir);
  const { results, failures, embeddingSize, backboneId } = await embedImagesPool(
    args.spec,
    files.map((f) => join(args.imagesDir, f)),
    {
      workers: args.workers,
      cacheDir: args.cacheDir,
      onProgress: ({ done, total }) => process.stderr.write(`\r${done}/${total}`),
    },
  );
  process.stderr.write('\n');
  const header = ['image', 'error', ...Array.from({ length: embeddingSize }, (_, j) => `z${j}`)];
  const embeddings = new Map(results.map((e) => [e.index, e.embedding]));
  const errors = new Map(failures.map((f) => [f.index, f.message]));
  const rows = files.map((file, i) => {
    const e = embeddings.get(i);
    const z = e === undefined ? Array<string>(embeddingSize).fill('') : Array.from(e, String);
    return [file, errors.get(i) ?? '', ...z].map(csvField).join(',');
  });
  await writeFile(args.out, `${[header.join(','), ...rows].join('\n')}\n`);
  const cached = results.filter((e) => e.cached).length;
  console.log(`${backboneId}: D = ${embeddingSize}, ${files.length} images (${cached} cached, ${failures.length} failed) → ${args.out}`);
  return 0;
}

runIfMain(import.meta.url, (argv) => main(argv));
