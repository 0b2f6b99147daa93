/**
 * `npm run bench -- crop-cnn [--sizes 48,64] [--batch 128] [--reps 5] [--backend wasm] [--implementations im2col,conv2d]
 * [--threads N] [--profile]` (or `npx tsx bench/suites/cropCnn.ts [options]`)
 *
 * Images/s of one training step (forward + backward + Adam update) of the crop CNN (`CropCnn`, channels 8-16-32,
 * MultiTask, metadata term) on a batch of `batch` random crops of S × S × 3 in 8 bags, and of the forward pass alone
 * (embedding, as at prediction), per backend (wasm: one thread, as the library runs it in Node), for both
 * implementations of its conv blocks side by side: `im2col` (pad + nine slices + concat + matMul, reshape-and-mean
 * pooling: the first implementation) and `conv2d` (FusedConv2D with a custom gradient, AvgPool: the default). Both
 * models start from the same weights; the reps are interleaved (old step, new step, old forward, new forward, …) so
 * that both see the same machine load; median of `reps` timed runs after one warm-up. The loss of the warm-up step
 * of each implementation is printed (equal up to float rounding), and the load average before and after. Also lists
 * the kernels a training step runs that have a CPU fallback on the backend or are known wrong there: none.
 *
 * `--profile` prints the milliseconds per kernel of one profiled training step of each implementation.
 *
 * `--threads N` asks tfjs-backend-wasm for N XNNPACK threads (forcing its `WASM_HAS_MULTITHREAD_SUPPORT` flag, which
 * tfjs sets to false in Node, and leaving the binaries' location to tfjs, as the threaded build needs) and prints the
 * thread count it got, or the initialisation error.
 * @module
 */
import { cpus, loadavg } from 'node:os';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { listCpuFallbackKernels, WRONG_NATIVE_KERNELS } from '../../src/backend/index.js';
import { CropCnn } from '../../src/models/cropCnn.js';
import type { Conv3x3Method } from '../../src/models/conv3x3.js';
import type { BenchSuite } from '../suite.js';
import { formatTable, intOption, parseOptions } from '../table.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
}

async function timeOnce(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');


interface Runner {
  readonly implementation: Conv3x3Method;
  readonly step: () => Promise<number>;
  readonly forward: () => Promise<void>;
  readonly dispose: () => void;
  readonly train: number[];
  readonly embed: number[];
}

async function run(args: readonly string[]): Promise<void> {
  const options = parseOptions(args);
  const sizes = (options.get('sizes') ?? '48,64').split(',').map(Number);
  const batch = intOption(options, 'batch', 128);
  const reps = intOption(options, 'reps', 5);
  const backends = (options.get('backend') ?? 'wasm').split(',');
  const implementations = (options.get('implementations') ?? 'im2col,conv2d').split(',') as Conv3x3Method[];
  const threads = intOption(options, 'threads', 0);
  const profile = options.get('profile') === 'true';
  if (threads > 0) {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    setThreadsCount(threads);
  } else {
    setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  }
  const rows: (string | number)[][] = [];
  console.log(`node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load average (1, 5, 15 min) before: ${load()}`);
  for (const backend of backends) {
    if (!(await tf.setBackend(backend))) throw new Error(`crop-cnn bench: backend '${backend}' failed to initialise${threads > 0 ? ` with --threads ${threads}` : ''} (see the error above)`);
    await tf.ready();
    if (backend === 'wasm') console.log(`wasm: ${getThreadsCount()} thread(s)`);
    const avoid = new Set([...listCpuFallbackKernels(backend), ...(WRONG_NATIVE_KERNELS[backend] ?? []), 'Conv2DBackpropFilter']);
    for (const size of sizes) {
      const bags = 8;
      const x = tf.randomUniform([batch, size, size, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
      const assignment = tf.tensor2d(Array.from({ length: bags * batch }, (_, k) => (Math.floor((k % batch) / (batch / bags)) === Math.floor(k / batch) ? bags / batch : 0)), [bags, batch]);
      const metadata = tf.zeros([bags, 2]) as tf.Tensor2D;
      const target = tf.zeros([bags]);
      const runners: Runner[] = implementations.map((implementation) => {
        const model = new CropCnn({ size, implementation, seed: 0 });
        const optimizer = tf.train.adam(1e-3);
        return {
          implementation,
          train: [],
          embed: [],
          step: async () => {
            const loss = optimizer.minimize(
              () => {
                const out = model.call(x, assignment, metadata);
                const l = tf.add(tf.mean(tf.square(tf.sub(out.logit, target))), tf.mean(tf.square(out.logLymphCount!))) as tf.Scalar;
                tf.dispose([out.logit, out.imageLogit, out.logLymphCount!]);
                return l;
              },
              true,
              model.trainableVariables,
            );
            const value = (await loss!.data())[0]!;
            loss!.dispose();
            return value;
          },
          forward: async () => {
            const e = model.embed(x);
            await e.data();
            e.dispose();
          },
          dispose: () => {
            optimizer.dispose();
            model.dispose();
          },
        };
      });
      // Warm-up (one step and one forward each, from the same weights) and the kernels of one profiled step.
      const firstLoss = new Map<Conv3x3Method, number>();
      const fallbacks = new Map<Conv3x3Method, string[]>();
      for (const r of runners) {
        firstLoss.set(r.implementation, await r.step());
        await r.forward();
        const info = await tf.profile(async () => void (await r.step()));
        fallbacks.set(r.implementation, [...new Set(info.kernelNames.filter((k) => avoid.has(k)))]);
        if (profile) {
          // Milliseconds per kernel name over the profiled step ('unnamed scope' = custom-gradient wrappers, whose
          // time includes the kernels they run: left out of the total).
          const byKernel = new Map<string, { ms: number; calls: number }>();
          for (const k of info.kernels) {
            if (k.name === 'unnamed scope') continue;
            const entry = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
            entry.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
            entry.calls++;
            byKernel.set(k.name, entry);
          }
          const sorted = [...byKernel].sort((a, b) => b[1].ms - a[1].ms);
          const total = sorted.reduce((a, [, e]) => a + e.ms, 0);
          console.log(`${backend} ${size} px ${r.implementation}: one profiled training step, ${info.kernels.length} kernels, ${total.toFixed(1)} ms in kernels`);
          console.log(sorted.map(([name, e]) => `  ${name} ×${e.calls}: ${e.ms.toFixed(1)} ms`).join('\n'));
        }
      }
      for (let rep = 0; rep < reps; rep++) {
        for (const r of runners) r.train.push(await timeOnce(r.step));
        for (const r of runners) r.embed.push(await timeOnce(r.forward));
      }
      const reference = runners[0]!;
      for (const r of runners) {
        const trainMs = median(r.train);
        const forwardMs = median(r.embed);
        const f = fallbacks.get(r.implementation)!;
        rows.push([
          backend,
          size,
          r.implementation,
          batch,
          (batch / trainMs) * 1000,
          (batch / forwardMs) * 1000,
          trainMs,
          median(reference.train) / trainMs,
          median(reference.embed) / forwardMs,
          firstLoss.get(r.implementation)!.toPrecision(7),
          f.length === 0 ? 'none' : f.join(' '),
        ]);
        console.log(`${backend} ${size} px ${r.implementation}: train ${((batch / trainMs) * 1000).toFixed(1)} img/s, forward ${((batch / forwardMs) * 1000).toFixed(1)} img/s`);
        r.dispose();
      }
      tf.dispose([x, assignment, metadata, target]);
    }
  }
  console.log(`load average (1, 5, 15 min) after: ${load()}`);
  console.log(
    formatTable(
      ['backend', 'S px', 'conv', 'batch', 'train img/s', 'forward img/s', 'train ms/batch', 'train speed-up', 'forward speed-up', 'first loss', 'fallback kernels'],
      rows,
    ),
  );
}

export const cropCnnSuite: BenchSuite = {
  usage: '[--sizes 48,64] [--batch 128] [--reps 5] [--backend wasm] [--implementations im2col,conv2d] [--threads N] [--profile] (cpu: tfjs\'s JavaScript backend, minutes per step)',
  run,
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
