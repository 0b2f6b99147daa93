/**
 * `npm run bench -- crop-cnn [--sizes 48,64] [--batch 128] [--reps 3] [--backend wasm]`
 * (or `npx tsx bench/suites/cropCnn.ts [options]`)
 *
 * Images/s of one training step (forward + backward + Adam update) of the crop CNN (`CropCnn`, channels 8-16-32,
 * MultiTask, metadata term) on a batch of `batch` random crops of S × S × 3 in 8 bags, and of the forward pass alone
 * (embedding, as at prediction), per backend (wasm: one thread, as the library runs it in Node). Median of `reps`
 * timed runs after one warm-up. Also lists the kernels a training step runs that the backend lacks or has wrong
 * (its CPU fallbacks): the crop CNN is built so that there are none.
 * @module
 */
import { cpus, loadavg } from 'node:os';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { CPU_FALLBACK_KERNEL_CANDIDATES, WRONG_NATIVE_KERNELS } from '../../src/backend/index.js';
import { CropCnn } from '../../src/models/cropCnn.js';
import type { BenchSuite } from '../suite.js';
import { formatTable, intOption, parseOptions } from '../table.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
}

async function timeMs(reps: number, fn: () => Promise<void>): Promise<number> {
  await fn();
  const runs: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    await fn();
    runs.push(performance.now() - t0);
  }
  return median(runs);
}

async function run(args: readonly string[]): Promise<void> {
  const options = parseOptions(args);
  const sizes = (options.get('sizes') ?? '48,64').split(',').map(Number);
  const batch = intOption(options, 'batch', 128);
  const reps = intOption(options, 'reps', 3);
  const backends = (options.get('backend') ?? 'wasm').split(',');
  setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  const rows: (string | number)[][] = [];
  console.log(`node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  for (const backend of backends) {
    await tf.setBackend(backend);
    await tf.ready();
    for (const size of sizes) {
      const model = new CropCnn({ size });
      const optimizer = tf.train.adam(1e-3);
      const bags = 8;
      const x = tf.randomUniform([batch, size, size, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
      const assignment = tf.tensor2d(Array.from({ length: bags * batch }, (_, k) => (Math.floor((k % batch) / (batch / bags)) === Math.floor(k / batch) ? bags / batch : 0)), [bags, batch]);
      const metadata = tf.zeros([bags, 2]) as tf.Tensor2D;
      const target = tf.zeros([bags]);
      const step = async (): Promise<void> => {
        const loss = optimizer.minimize(
          () => {
            const out = model.call(x, assignment, metadata);
            return tf.add(tf.mean(tf.square(tf.sub(out.logit, target))), tf.mean(tf.square(out.logLymphCount!))) as tf.Scalar;
          },
          true,
          model.trainableVariables,
        );
        await loss!.data();
        loss!.dispose();
      };
      const forward = async (): Promise<void> => {
        const e = model.embed(x);
        await e.data();
        e.dispose();
      };
      const kernels = (await tf.profile(step)).kernelNames;
      const avoid = new Set([...CPU_FALLBACK_KERNEL_CANDIDATES, ...(WRONG_NATIVE_KERNELS[backend] ?? [])]);
      const fallbacks = [...new Set(kernels.filter((k) => avoid.has(k)))];
      const trainMs = await timeMs(reps, step);
      const forwardMs = await timeMs(reps, forward);
      rows.push([backend, size, batch, (batch / trainMs) * 1000, (batch / forwardMs) * 1000, trainMs, fallbacks.length === 0 ? 'none' : fallbacks.join(' ')]);
      console.log(`${backend} ${size} px: ${rows[rows.length - 1]!.slice(3, 6).map((v) => (v as number).toFixed(1)).join(', ')}`);
      tf.dispose([x, assignment, metadata, target]);
      optimizer.dispose();
      model.dispose();
    }
  }
  console.log(formatTable(['backend', 'S px', 'batch', 'train img/s', 'forward img/s', 'train ms/batch', 'fallback kernels'], rows));
}

export const cropCnnSuite: BenchSuite = {
  usage: '[--sizes 48,64] [--batch 128] [--reps 3] [--backend wasm] (cpu: tfjs\'s JavaScript backend, minutes per step)',
  run,
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
