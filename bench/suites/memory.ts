/**
 * `npm run bench -- memory [--images N] [--dir DIR] [--workers W] [--model resnet18] [--input-size 64] [--batch 16]
 * [--backend wasm] [--pool 0] [--onnx model.onnx]`
 *
 * Peak memory of featurising and embedding a whole cohort, as a user's run does it: in a child process (so that the
 * bench runner's own memory does not count), `extractFeaturesBatch` with the texture descriptors
 * (`cell: { texture: true }`, `workers` threads) over the images into a fresh on-disk cache, then `embedImages` with a
 * frozen backbone (random weights: the cost does not depend on them) into a fresh embedding cache: a named tfjs
 * backbone (`--model`, `--input-size`) on `--backend` in the child's thread, or with `--pool N` the wasm worker pool
 * (`embedImagesPool`, N threads), or with `--onnx PATH` an ONNX model on onnxruntime-node (`loadOnnxEmbedder`).
 * Both caches live in a temporary folder, removed afterwards.
 *
 * The child prints, after each stage, its wall time and its peak resident set size so far
 * (`process.resourceUsage().maxRSS`: the whole process, worker threads included), with the RSS and V8 heap at that
 * moment. Images: by default every `.jpg/.jpeg/.png` under the DLMI cohort (`LYMPHOMIX_DLMI_DIR`), or `--images N`
 * evenly spaced ones.
 * @module
 */
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DLMI_DIR } from '../../test/helpers/shared.js';
import type { BenchSuite } from '../suite.js';
import { formatTable, intOption, parseOptions } from '../table.js';

/** One stage's figures, as the child reports them. */
interface StageReport {
  stage: string;
  seconds: number;
  images: number;
  failures: number;
  /** Peak RSS of the process so far, MiB. */
  peakRssMiB: number;
  /** RSS at the end of the stage, MiB. */
  rssMiB: number;
  /** V8 heap used at the end of the stage, MiB. */
  heapMiB: number;
  note: string;
}

const MIB = 1024 * 1024;

/** Every image under `dir`, sorted; `count` evenly spaced ones when `count` > 0. */
async function listImages(dir: string, count: number): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const all = entries
    .filter((e) => e.isFile() && /\.(jpe?g|png)$/i.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
  if (all.length === 0) throw new Error(`bench memory: no images under ${dir}`);
  if (count <= 0 || count >= all.length) return all;
  return Array.from({ length: count }, (_, i) => all[Math.floor((i * all.length) / count)] as string);
}

/** The stage's figures now. */
function report(stage: string, t0: number, images: number, failures: number, note: string): StageReport {
  const usage = process.memoryUsage();
  return {
    stage,
    seconds: (performance.now() - t0) / 1000,
    images,
    failures,
    peakRssMiB: (process.resourceUsage().maxRSS * 1024) / MIB, // maxRSS is in KiB
    rssMiB: usage.rss / MIB,
    heapMiB: usage.heapUsed / MIB,
    note,
  };
}

/** The child: both stages, one JSON line per stage on stdout (prefixed `@stage `). */
async function child(args: readonly string[]): Promise<void> {
  const opts = parseOptions(args);
  const dir = opts.get('dir') ?? DLMI_DIR;
  const paths = await listImages(dir, intOption(opts, 'images', 0));
  const workers = intOption(opts, 'workers', availableParallelism());
  const model = opts.get('model') ?? 'resnet18';
  const inputSize = intOption(opts, 'input-size', 64);
  const batchSize = Math.max(1, intOption(opts, 'batch', 16));
  const backend = opts.get('backend') ?? 'wasm';
  const pool = intOption(opts, 'pool', 0);
  const onnx = opts.get('onnx');
  const cacheRoot = opts.get('cache') ?? '';
  const emit = (r: StageReport) => console.log(`@stage ${JSON.stringify(r)}`);
  emit(report('start (libraries not loaded)', performance.now(), paths.length, 0, ''));

  const { extractFeaturesBatch } = await import('../../src/features/index.js');
  let t0 = performance.now();
  const features = await extractFeaturesBatch(paths, { workers, cell: { texture: true }, cacheDir: join(cacheRoot, 'features') });
  const ok = features.results.filter((r) => r.status === 'ok').length;
  emit(
    report('features (texture), extractFeaturesBatch', t0, paths.length, features.failures.length,
      `${workers} worker(s), decoder ${features.decoder}, ${ok} with a nucleus` +
        (features.failures[0] === undefined ? '' : `; first failure: ${features.failures[0].message.slice(0, 200)}`)),
  );

  const tf = await import('@tensorflow/tfjs');
  const { createRequire } = await import('node:module');
  const { dirname } = await import('node:path');
  const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
  const backbones = await import('../../src/models/backbones/index.js');
  t0 = performance.now();
  const cacheDir = join(cacheRoot, 'embeddings');
  let result: Awaited<ReturnType<typeof backbones.embedImages>>;
  let note: string;
  // embedImages resizes with tfjs (also for an ONNX model): the backend must be ready first
  setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  await tf.setBackend(backend);
  await tf.ready();
  if (onnx !== undefined) {
    const { loadOnnxEmbedder } = await import('../../src/models/backbones/onnx/index.js');
    // the model's own input size unless --input-size is given
    const embedder = await loadOnnxEmbedder(onnx, opts.has('input-size') ? { inputSize } : {});
    result = await backbones.embedImages(embedder, paths, { batchSize, cacheDir });
    note = `ONNX ${onnx} (onnxruntime-node) at ${embedder.inputSize}x${embedder.inputSize}`;
  } else if (pool > 0) {
    result = await backbones.embedImagesPool({ name: model as 'resnet18', options: { inputSize, seed: 1 } }, paths, { workers: pool, batchSize, cacheDir });
    note = `${model} at ${inputSize}x${inputSize}, wasm pool of ${pool}`;
  } else {
    const backbone = backbones.createBackbone(model as 'resnet18', { inputSize, seed: 1 });
    try {
      result = await backbones.embedImages(backbone, paths, { batchSize, cacheDir });
    } finally {
      backbone.dispose();
    }
    note = `${model} at ${inputSize}x${inputSize}, tfjs ${backend} in this thread`;
  }
  emit(
    report(`embeddings, ${onnx === undefined && pool > 0 ? 'embedImagesPool' : 'embedImages'}`, t0, paths.length, result.failures.length,
      `${note}, batch ${batchSize}, D ${result.embeddingSize}` +
        (result.failures[0] === undefined ? '' : `; first failure: ${result.failures[0].message.slice(0, 200)}`)),
  );
}

/** The parent: run the child with the same options and a temporary cache, print its stages. */
async function run(args: readonly string[]): Promise<void> {
  parseOptions(args); // fail early on malformed options
  const { mkdtemp, rm } = await import('node:fs/promises');
  const cache = await mkdtemp(join(tmpdir(), 'lymphomix-bench-memory-'));
  const self = fileURLToPath(import.meta.url);
  console.log(`${cpus()[0]?.model ?? '?'} (${cpus().length} cores); load ${loadavg().map((l) => l.toFixed(2)).join(' ')}; node ${process.version}\n`);
  const stages: StageReport[] = [];
  const t0 = performance.now();
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const p = spawn(process.execPath, ['--import', 'tsx', self, '--child', ...args, '--cache', cache], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let buffered = '';
      p.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          if (line.startsWith('@stage ')) stages.push(JSON.parse(line.slice(7)) as StageReport);
          else if (line.trim() !== '') console.log(line);
        }
      });
      p.on('error', reject);
      p.on('close', resolve);
    });
    if (code !== 0) throw new Error(`bench memory: the child process exited with ${String(code)}`);
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
  const images = stages[0]?.images ?? 0;
  console.log(
    formatTable(
      ['stage', 'images', 'failures', 'wall s', 'ms/image', 'peak RSS so far MiB', 'RSS MiB', 'heap MiB', 'notes'],
      stages.map((s) => [s.stage, s.images, s.failures, s.seconds, s.stage.startsWith('start') ? '-' : (1000 * s.seconds) / s.images, s.peakRssMiB, s.rssMiB, s.heapMiB, s.note]),
    ),
  );
  const peak = Math.max(...stages.map((s) => s.peakRssMiB));
  console.log(
    `\npeak RSS of the child (process.resourceUsage().maxRSS, worker threads included): ${peak.toFixed(0)} MiB ` +
      `(${((peak * MIB) / 1e9).toFixed(2)} GB) for ${images} images; whole child ${((performance.now() - t0) / 1000).toFixed(1)} s ` +
      `with start-up. Target of issue 13: < 1.5 GB for the whole dev cohort.`,
  );
}

/** Peak memory of features + embeddings over a whole cohort, in a child process. */
export const memorySuite: BenchSuite = {
  usage:
    '  --images N      evenly spaced images (default 0: all of them)\n  --dir DIR       image folder (default: the DLMI cohort)\n' +
    '  --workers W     feature worker threads (default: available cores)\n' +
    '  --model M       tfjs backbone (default resnet18)\n  --input-size S  its input side (default 64)\n' +
    '  --batch N       images per forward pass (default 16)\n  --backend B     tfjs backend in the child thread (default wasm)\n' +
    '  --pool N        embed with the wasm worker pool of N threads instead (default 0: no pool)\n' +
    '  --onnx PATH     embed with this ONNX model on onnxruntime-node instead (at its own input size unless --input-size)',
  run,
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const main = argv[0] === '--child' ? child(argv.slice(1)) : run(argv);
  main.catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
