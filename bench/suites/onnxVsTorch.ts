/**
 * The ONNX rows of `npm run bench -- embedding`: onnxruntime-node beside PyTorch CPU in the same run, interleaved.
 *
 * bench/torch/torch_embedding.py (Debian's python3-torch; no torchvision, timm or onnx package) builds full-size
 * ResNet18 and ConvNeXt-tiny with seeded random weights, exports them to ONNX in a temporary folder (ConvNeXt-tiny
 * twice: as written, and rewritten channels-first for export, see that script) and stays up to time its stock
 * models on request. This module first checks every exported file on onnxruntime-node against the stock PyTorch
 * model's outputs (max |difference| ≤ 1e-4 on two random images, or the bench fails), then, per model and thread
 * count, alternates one PyTorch forward pass (eval, no_grad, `torch.set_num_threads(n)` and OpenBLAS's threads to
 * n, the faster of contiguous and channels_last, and above one thread the faster of libgomp's default and
 * `OMP_WAIT_POLICY=PASSIVE` from a second python server) with one `embedPixels` call of each onnxruntime variant
 * (`loadOnnxEmbedder`, `threads` intra-op threads, above one thread with or without spinning, whichever was faster
 * in two timed passes each; normalisation and NCHW layout included, which PyTorch's timing leaves out), `reps` rounds after a warm-up, with a pause of {@link PAUSE_MS} between engines (so that neither
 * engine's spinning threads run into the other's timing). Under load from other processes both see the same load;
 * the table gives the best (min-of-N) and the median images/s of each and the ratio of each, and for one thread
 * the ratio of the best process CPU times (the compute without the time other processes held the core). At the largest thread
 * count it also times as many one-thread sessions running at once from this thread, each on its own batch
 * (`embedImagesPool` does not: with an `{ onnx }` spec it runs one session with that many intra-op threads).
 *
 * Last it prints the table as markdown with the command, the machine and the load average before and after.
 * @module
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { loadOnnxEmbedder } from '../../src/models/backbones/onnx/loadOnnxEmbedder.js';
import type { OnnxEmbedder } from '../../src/models/backbones/onnx/onnxEmbedder.js';
import { formatTable } from '../table.js';

/** Settings of {@link compareOnnxWithTorch}. */
export interface OnnxVsTorchOptions {
  models: string[];
  batch: number;
  size: number;
  reps: number;
  threads: number[];
  python: string;
  /** Also print onnxruntime's per-operator times (one thread, one timed batch) per exported file. */
  profile: boolean;
  /** The command line that ran the bench, printed above the markdown table. */
  command: string;
}

/** Pause between a PyTorch and an onnxruntime run (OpenBLAS and onnxruntime threads spin a little after a call). */
export const PAUSE_MS = 200;
/** Largest max |ONNX − PyTorch| accepted on the check images (float32; embeddings are O(1) after the final norm). */
export const CHECK_TOLERANCE = 1e-4;

const SCRIPT = fileURLToPath(new URL('../torch/torch_embedding.py', import.meta.url));
const MODELS = ['resnet18', 'convnext_tiny'];
const TITLES: Record<string, string> = { resnet18: 'ResNet18', convnext_tiny: 'ConvNeXt-tiny' };

interface Header {
  torch: string;
  blas: string;
  onnx: Record<string, string>;
  check: Record<string, string>;
  D: Record<string, number>;
}

/** The python server: one JSON request per line in, one JSON answer per line out. */
class TorchServer {
  private readonly lines: AsyncIterator<string>;
  private stderr = '';
  private constructor(private readonly child: ReturnType<typeof spawn>) {
    child.on('error', (e) => {
      this.stderr += `\n${e.message}`;
    });
    child.stderr!.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    this.lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  }

  static start(python: string, args: string[], env: NodeJS.ProcessEnv = process.env): TorchServer {
    return new TorchServer(spawn(python, args, { stdio: ['pipe', 'pipe', 'pipe'], env }));
  }

  async next<T>(): Promise<T> {
    const line = await this.lines.next();
    if (line.done === true) {
      throw new Error(`${SCRIPT} stopped: ${this.stderr.trim().split('\n').filter((l) => !/warn/i.test(l)).at(-1) ?? 'no output'}`);
    }
    return JSON.parse(line.value) as T;
  }

  ask<T>(request: object): Promise<T> {
    this.child.stdin!.write(`${JSON.stringify(request)}\n`);
    return this.next<T>();
  }

  stop(): void {
    this.child.stdin!.end();
    this.child.kill();
  }
}

/** onnxruntime-node's own profile of one forward pass (after a warm-up) at one thread: ms and share per operator type. */
async function profileOnnx(path: string, batch: number, size: number, dir: string): Promise<string> {
  const ort = await import('onnxruntime-node');
  const prefix = join(dir, `profile-${Date.now()}`);
  const x = new ort.Tensor('float32', new Float32Array(batch * 3 * size * size).fill(0.5), [batch, 3, size, size]);
  const session = await ort.InferenceSession.create(path, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    enableProfiling: true,
    profileFilePrefix: prefix,
  });
  const feed = { [session.inputNames[0]!]: x };
  await session.run(feed); // warm-up: its events are dropped below
  await session.run(feed);
  session.endProfiling();
  await session.release();
  const file = (await readdir(dir)).find((f) => join(dir, f).startsWith(prefix));
  const events = JSON.parse(await readFile(join(dir, file!), 'utf8')) as { cat: string; name: string; ts: number; dur: number; args?: { op_name?: string } }[];
  const last = events.filter((e) => e.name === 'model_run').at(-1)!;
  const byOp = new Map<string, number>();
  for (const e of events) {
    if (e.cat === 'Node' && e.name.endsWith('_kernel_time') && e.ts >= last.ts) {
      byOp.set(e.args?.op_name ?? '?', (byOp.get(e.args?.op_name ?? '?') ?? 0) + e.dur / 1000);
    }
  }
  const total = [...byOp.values()].reduce((a, b) => a + b, 0);
  return formatTable(['operator', 'ms', 'share %'], [...byOp].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([k, v]) => [k, v, (100 * v) / total]));
}

/** Max |onnxruntime − PyTorch| of an exported file on the check images written by the python script. */
async function checkExport(path: string, check: string, size: number, d: number): Promise<number> {
  const ort = await import('onnxruntime-node');
  const bytes = await readFile(check);
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const n = 2;
  const input = all.slice(0, n * 3 * size * size);
  const expected = all.slice(n * 3 * size * size);
  if (expected.length !== n * d) throw new Error(`embedding bench: ${check} holds ${expected.length} output values, expected ${n * d}`);
  const session = await ort.InferenceSession.create(path, { graphOptimizationLevel: 'all' });
  try {
    const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', input, [n, 3, size, size]) });
    const y = out[session.outputNames[0]!]!.data as Float32Array;
    let worst = 0;
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(y[i]! - expected[i]!));
    return worst;
  } finally {
    await session.release();
  }
}

function summary(ms: number[], images: number): { best: number; median: number } {
  const s = [...ms].sort((a, b) => a - b);
  const m = s.length >> 1;
  const med = s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
  return { best: (1000 * images) / s[0]!, median: (1000 * images) / med };
}

function loadLine(): string {
  return loadavg().map((v) => v.toFixed(2)).join(' ');
}

/** One onnxruntime contender of a round: a label and a function that embeds its images once. */
interface Contender {
  export: string;
  threads: string;
  images: number;
  run: () => Promise<unknown>;
  dispose: () => Promise<void>;
}

async function contender(exportName: string, path: string, threads: number, sessions: number, o: OnnxVsTorchOptions, pixels: Float32Array): Promise<Contender> {
  const load = async (spinning: boolean): Promise<OnnxEmbedder[]> => {
    const embedders: OnnxEmbedder[] = [];
    for (let i = 0; i < sessions; i++) embedders.push(await loadOnnxEmbedder(path, { runtime: 'node', threads, inputSize: o.size, spinning }));
    return embedders;
  };
  const runAll = (embedders: OnnxEmbedder[]) => (): Promise<unknown> => Promise.all(embedders.map((e) => e.embedPixels(pixels, o.batch)));
  let embedders = await load(true);
  let label = sessions > 1 ? `${sessions} × 1 (sessions at once)` : `${threads}`;
  await runAll(embedders)(); // warm-up
  if (threads > 1) {
    // As PyTorch gets the faster of its OpenMP wait policies: the faster of spinning and not (two timed passes each).
    const quiet = await load(false);
    await runAll(quiet)();
    const best = [Infinity, Infinity];
    for (let r = 0; r < 2; r++) {
      for (const [i, e] of [embedders, quiet].entries()) {
        const t0 = performance.now();
        await runAll(e)();
        best[i] = Math.min(best[i]!, performance.now() - t0);
      }
    }
    const [keep, drop] = best[1]! < best[0]! ? [quiet, embedders] : [embedders, quiet];
    for (const e of drop) await e.dispose();
    label += keep === quiet ? ', spinning off' : ', spinning';
    embedders = keep;
  }
  return {
    export: exportName,
    threads: label,
    images: o.batch * sessions,
    run: runAll(embedders),
    dispose: async () => {
      for (const e of embedders) await e.dispose();
    },
  };
}

/**
 * Print the onnxruntime-node vs PyTorch tables, or one line saying why they are skipped (no torch for `python`,
 * no onnxruntime-node).
 *
 * @param o - models, batch, size, reps, thread counts, the python with torch, the command line
 * @throws Error when an exported ONNX file does not reproduce the stock PyTorch model within {@link CHECK_TOLERANCE}
 */
export async function compareOnnxWithTorch(o: OnnxVsTorchOptions): Promise<void> {
  const models = o.models.filter((m) => MODELS.includes(m));
  if (models.length === 0) return;
  try {
    await new Promise<void>((resolve, reject) => execFile(o.python, ['-c', 'import torch'], (e) => (e === null ? resolve() : reject(e))));
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
  const loadBefore = loadLine();
  const args = [SCRIPT, dir, '--models', models.join(','), '--batch', `${o.batch}`, '--size', `${o.size}`];
  const server = TorchServer.start(o.python, args);
  // The same models under OMP_WAIT_POLICY=PASSIVE: libgomp's spinning workers fight OpenBLAS's threads (and other
  // processes) for the cores; where passive waiting is faster, PyTorch gets it (chosen per model and thread count).
  const passive = Math.max(...o.threads) > 1 ? TorchServer.start(o.python, [...args, '--no-export'], { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' }) : undefined;
  try {
    const header = await server.next<Header>();
    await passive?.next<Header>();
    const exportsOf = (model: string): [string, string][] =>
      Object.entries(header.onnx).filter(([k]) => k === model || k === `${model}_cf`).map(([k, p]) => [k === model ? 'as written' : 'channels-first rewrite', p]);
    const checks: (string | number)[][] = [];
    for (const model of models) {
      for (const [label, path] of exportsOf(model)) {
        const diff = await checkExport(path, header.check[model]!, o.size, header.D[model]!);
        checks.push([model, label, diff]);
        if (!(diff <= CHECK_TOLERANCE)) {
          throw new Error(`embedding bench: the ${label} ONNX export of ${model} differs from the PyTorch model by ${diff} (> ${CHECK_TOLERANCE})`);
        }
      }
    }
    console.log(`\nONNX exports checked against the stock PyTorch models (2 random images, max |difference| ≤ ${CHECK_TOLERANCE}):\n` +
      formatTable(['model', 'export', 'max |ONNX − PyTorch|'], checks, (n) => n.toExponential(1)));
    let state = 7;
    const pixels = Float32Array.from({ length: o.batch * o.size * o.size * 3 }, () => (state = (state * 1103515245 + 12345) % 2147483648) % 256);
    const rows: { model: string; export: string; threads: string; format: string; pt: { best: number; median: number }; ort: { best: number; median: number }; cpuRatio: number }[] = [];
    const parallel = Math.max(...o.threads);
    for (const model of models) {
      const exports = exportsOf(model);
      for (const threads of o.threads) {
        let prepared = await server.ask<{ format: string; ms: Record<string, number> }>({ prepare: model, threads });
        let torch = server;
        let format = prepared.format;
        if (threads > 1 && passive !== undefined) {
          const other = await passive.ask<{ format: string; ms: Record<string, number> }>({ prepare: model, threads });
          if (Math.min(...Object.values(other.ms)) < Math.min(...Object.values(prepared.ms))) {
            prepared = other;
            torch = passive;
          }
          format = `${prepared.format}, OMP ${torch === passive ? 'passive' : 'default'}`;
        }
        const contenders: Contender[] = [];
        try {
          for (const [label, path] of exports) contenders.push(await contender(label, path, threads, 1, o, pixels));
          if (threads === parallel && parallel > 1) {
            const [label, path] = exports.at(-1)!; // the rewrite where there is one
            contenders.push(await contender(label, path, 1, parallel, o, pixels));
          }
          const torchMs: number[] = [];
          const torchCpu: number[] = [];
          const ortMs = contenders.map((): number[] => []);
          const ortCpu = contenders.map((): number[] => []);
          for (let r = 0; r < o.reps; r++) {
            const t = await torch.ask<{ ms: number; cpu_ms: number }>({ run: true });
            torchMs.push(t.ms);
            torchCpu.push(t.cpu_ms);
            for (const [i, c] of contenders.entries()) {
              await sleep(PAUSE_MS);
              const c0 = process.cpuUsage();
              const t0 = performance.now();
              await c.run();
              ortMs[i]!.push(performance.now() - t0);
              const cpu = process.cpuUsage(c0);
              ortCpu[i]!.push((cpu.user + cpu.system) / 1000);
            }
            await sleep(PAUSE_MS);
          }
          for (const [i, c] of contenders.entries()) {
            // CPU time compares compute without the other processes' share of the cores: only meaningful for one thread
            const cpuRatio = threads === 1 && c.images === o.batch ? summary(ortCpu[i]!, c.images).best / summary(torchCpu, o.batch).best : NaN;
            rows.push({ model, export: c.export, threads: c.threads, format, pt: summary(torchMs, o.batch), ort: summary(ortMs[i]!, c.images), cpuRatio });
          }
        } finally {
          for (const c of contenders) await c.dispose();
        }
      }
    }
    if (o.profile) {
      for (const model of models) {
        for (const [label, path] of exportsOf(model)) {
          console.log(`\nonnxruntime-node profile, ${model} (${label}), 1 thread, batch ${o.batch}:\n${await profileOnnx(path, o.batch, o.size, dir)}`);
        }
      }
    }
    const loadAfter = loadLine();
    console.log(
      `\nonnxruntime-node vs PyTorch ${header.torch} CPU (${header.blas}), same run, interleaved, batch ${o.batch} × ${o.size}x${o.size}, ` +
        `${o.reps} rounds; images/s best (min-of-${o.reps} time) / median:\n` +
        formatTable(
          ['model', 'ONNX export', 'threads', 'PyTorch set-up', 'PyTorch best', 'median', 'onnxruntime best', 'median', 'ratio best', 'ratio median', 'ratio CPU time'],
          rows.map((r) => [r.model, r.export, r.threads, r.format, r.pt.best, r.pt.median, r.ort.best, r.ort.median, r.ort.best / r.pt.best, r.ort.median / r.pt.median, Number.isNaN(r.cpuRatio) ? '–' : r.cpuRatio.toFixed(2)]),
        ),
    );
    const f = (n: number): string => n.toFixed(2);
    const md = rows.map(
      (r) =>
        `| ${TITLES[r.model] ?? r.model} | ${r.export} | ${r.threads} | ${r.format} | ${f(r.pt.best)} (${f(r.pt.median)}) | ${f(r.ort.best)} (${f(r.ort.median)}) | ` +
        `**${f(r.ort.best / r.pt.best)}** (${f(r.ort.median / r.pt.median)}) | ${Number.isNaN(r.cpuRatio) ? '–' : f(r.cpuRatio)} |`,
    );
    const ort = (await import('onnxruntime-node')) as { env?: { versions?: { common?: string } } };
    console.log(
      `\nMarkdown (docs/backends.md), ${new Date().toISOString().slice(0, 10)}, ${cpus()[0]?.model ?? '?'} (${cpus().length} cores), ` +
        `load average (1/5/15 min) ${loadBefore} before the ONNX rows, ${loadAfter} after:\n\n` +
        `\`${o.command}\`\n\n` +
        `| model | ONNX export | threads | PyTorch set-up | PyTorch ${header.torch} images/s, best (median) | onnxruntime-node ${ort.env?.versions?.common ?? ''} images/s, best (median) | ratio, best (median) | ratio of CPU time, 1 thread |\n` +
        '|---|---|---|---|---:|---:|---:|---:|\n' +
        md.join('\n'),
    );
  } finally {
    server.stop();
    passive?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
