/**
 * The ONNX rows of `npm run bench -- embedding`: onnxruntime-node beside PyTorch CPU in the same run.
 *
 * bench/torch/torch_embedding.py (Debian's python3-torch; no torchvision, timm or onnx package) builds full-size
 * ResNet18 and ConvNeXt-tiny with random weights, exports them to ONNX in a temporary folder and times PyTorch's
 * forward pass at each thread count; then this module loads the same ONNX files with `loadOnnxEmbedder`
 * (onnxruntime-node, `threads` intra-op threads) and times `embedPixels` on one random batch of the same size
 * (normalisation and NCHW layout included, which PyTorch's timing leaves out): one warm-up, median of `reps`;
 * and, as `embedImagesPool` runs an `{ onnx }` spec, as many one-thread sessions as the largest thread count, each
 * on its own batch at once (compared with PyTorch at that thread count). It prints images/s of both and their
 * ratio per model and thread count.
 * @module
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadOnnxEmbedder } from '../../src/models/backbones/onnx/loadOnnxEmbedder.js';
import { formatTable } from '../table.js';

/** Settings of {@link compareOnnxWithTorch}. */
export interface OnnxVsTorchOptions {
  models: string[];
  batch: number;
  size: number;
  reps: number;
  threads: number[];
  python: string;
  /** Also print onnxruntime's per-operator times (one thread, one timed batch) per model. */
  profile: boolean;
}

/** onnxruntime-node's own profile of one forward pass (after a warm-up) at one thread: ms and share per operator type. */
async function profileOnnx(path: string, batch: number, size: number, dir: string): Promise<string> {
  const ort = await import('onnxruntime-node');
  const prefix = join(dir, `profile-${Date.now()}`);
  const x = new ort.Tensor('float32', new Float32Array(batch * 3 * size * size).fill(0.5), [batch, 3, size, size]);
  const warm = await ort.InferenceSession.create(path, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  await warm.run({ [warm.inputNames[0]!]: x });
  await warm.release();
  const session = await ort.InferenceSession.create(path, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    enableProfiling: true,
    profileFilePrefix: prefix,
  });
  await session.run({ [session.inputNames[0]!]: x });
  session.endProfiling();
  await session.release();
  const file = (await readdir(dir)).find((f) => join(dir, f).startsWith(prefix));
  const events = JSON.parse(await readFile(join(dir, file!), 'utf8')) as { cat: string; name: string; dur: number; args?: { op_name?: string } }[];
  const byOp = new Map<string, number>();
  for (const e of events) {
    if (e.cat === 'Node' && e.name.endsWith('_kernel_time')) byOp.set(e.args?.op_name ?? '?', (byOp.get(e.args?.op_name ?? '?') ?? 0) + e.dur / 1000);
  }
  const total = [...byOp.values()].reduce((a, b) => a + b, 0);
  return formatTable(['operator', 'ms', 'share %'], [...byOp].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([k, v]) => [k, v, (100 * v) / total]));
}

interface TorchResult {
  model: string;
  threads: number;
  images_per_s: number;
  D: number;
}

const SCRIPT = fileURLToPath(new URL('../torch/torch_embedding.py', import.meta.url));
const MODELS = ['resnet18', 'convnext_tiny'];

function runPython(python: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(python, args, { maxBuffer: 1 << 24, timeout: 30 * 60_000 }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`${python} ${args.join(' ')}: ${stderr.trim().split('\n').at(-1) ?? error.message}`));
      else resolve(stdout);
    });
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Print the onnxruntime-node vs PyTorch table, or one line saying why it is skipped (no torch for `python`, no
 * onnxruntime-node).
 *
 * @param o - models, batch, size, reps, thread counts, the python with torch
 */
export async function compareOnnxWithTorch(o: OnnxVsTorchOptions): Promise<void> {
  const models = o.models.filter((m) => MODELS.includes(m));
  if (models.length === 0) return;
  try {
    await runPython(o.python, ['-c', 'import torch']);
  } catch {
    console.log(`\nPyTorch comparison skipped: ${o.python} cannot import torch (apt install python3-torch, or --python <path>)`);
    return;
  }
  try {
    await import('onnxruntime-node');
  } catch {
    console.log('\nonnxruntime-node comparison skipped: npm install onnxruntime-node');
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'lymphomix-bench-onnx-'));
  try {
    const args = [SCRIPT, dir, '--models', models.join(','), '--batch', `${o.batch}`, '--size', `${o.size}`, '--reps', `${o.reps}`, '--threads', o.threads.join(',')];
    const torch = JSON.parse(await runPython(o.python, args)) as { torch: string; results: TorchResult[]; onnx: Record<string, string> };
    const rows: (string | number)[][] = [];
    let state = 7;
    const pixels = Float32Array.from({ length: o.batch * o.size * o.size * 3 }, () => (state = (state * 1103515245 + 12345) % 2147483648) % 256);
    for (const model of models) {
      for (const threads of o.threads) {
        const embedder = await loadOnnxEmbedder(torch.onnx[model]!, { runtime: 'node', threads, inputSize: o.size });
        try {
          await embedder.embedPixels(pixels, o.batch);
          const times: number[] = [];
          for (let r = 0; r < o.reps; r++) {
            const t0 = performance.now();
            await embedder.embedPixels(pixels, o.batch);
            times.push(performance.now() - t0);
          }
          const ort = (1000 * o.batch) / median(times);
          const ref = torch.results.find((r) => r.model === model && r.threads === threads);
          const pt = ref?.images_per_s ?? NaN;
          rows.push([model, threads, embedder.embeddingSize, pt, ort, ort / pt]);
        } finally {
          await embedder.dispose();
        }
      }
      // What embedImagesPool does with an { onnx } spec: one session of one thread per core, batches in parallel.
      const parallel = Math.max(...o.threads);
      if (parallel > 1) {
        const sessions = await Promise.all(
          Array.from({ length: parallel }, () => loadOnnxEmbedder(torch.onnx[model]!, { runtime: 'node', threads: 1, inputSize: o.size })),
        );
        try {
          const all = (): Promise<unknown> => Promise.all(sessions.map((s) => s.embedPixels(pixels, o.batch)));
          await all();
          const times: number[] = [];
          for (let r = 0; r < o.reps; r++) {
            const t0 = performance.now();
            await all();
            times.push(performance.now() - t0);
          }
          const ort = (1000 * o.batch * parallel) / median(times);
          const pt = torch.results.find((r) => r.model === model && r.threads === parallel)?.images_per_s ?? NaN;
          rows.push([model, `${parallel} × 1 (sessions at once)`, sessions[0]!.embeddingSize, pt, ort, ort / pt]);
        } finally {
          for (const s of sessions) await s.dispose();
        }
      }
    }
    if (o.profile) {
      for (const model of models) console.log(`\nonnxruntime-node profile, ${model}, 1 thread, batch ${o.batch}:\n${await profileOnnx(torch.onnx[model]!, o.batch, o.size, dir)}`);
    }
    console.log(
      `\nonnxruntime-node vs PyTorch ${torch.torch} CPU, same run, same ONNX export, batch ${o.batch} × ${o.size}x${o.size}, median of ${o.reps}:\n` +
        formatTable(['model', 'threads', 'D', 'PyTorch images/s', 'onnxruntime-node images/s', 'ratio'], rows),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
