/**
 * `npm run bench -- mil [--bags 16] [--min 10] [--max 100] [--dim 128] [--reps 5] [--backend cpu,wasm]`
 * (or `npx tsx bench/suites/mil.ts [options]`)
 *
 * ms per batch of forward + backward (gradient with respect to the instances and, for attention, the weights) of
 * every aggregator of `src/mil` on synthetic bags (sizes uniform in [min, max], standard-normal embeddings of
 * dimension `dim`, fixed seed): one ragged batch of all bags versus a loop over the bags one at a time (the
 * batch-size-1 workaround of the challenge report). Median of `reps` timed runs after one warm-up.
 * @module
 */
import { cpus, loadavg } from 'node:os';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { AGGREGATOR_NAMES, createAggregator, type Aggregator } from '../../src/mil/createAggregator.js';
import { createRaggedBatch, type RaggedBatch } from '../../src/mil/raggedBatch.js';
import type { BenchSuite } from '../suite.js';
import { formatTable, intOption, parseOptions } from '../table.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
}

/** One forward + backward pass (gradients for the instances and the layer weights); leaves no tensor. */
function step(agg: Aggregator, batch: RaggedBatch & { instances: tf.Variable }): void {
  const weights = (agg.layer?.built === true ? agg.layer.trainableWeights : []).map((w) => w.read() as tf.Variable);
  const { grads, value } = tf.variableGrads(() => tf.sum(agg.pool(batch).output), [batch.instances, ...weights]);
  Object.values(grads).forEach((g) => g.dataSync());
  tf.dispose([...Object.values(grads), value]);
}

function timeMs(reps: number, fn: () => void): number {
  fn();
  const runs: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn();
    runs.push(performance.now() - t0);
  }
  return median(runs);
}

async function run(args: readonly string[]): Promise<void> {
  const options = parseOptions(args);
  const numBags = intOption(options, 'bags', 16);
  const min = intOption(options, 'min', 10);
  const max = intOption(options, 'max', 100);
  const dim = intOption(options, 'dim', 128);
  const reps = intOption(options, 'reps', 5);
  const backends = (options.get('backend') ?? 'cpu,wasm').split(',');
  let seed = 42;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const sizes = Array.from({ length: numBags }, () => min + Math.floor(rand() * (max - min + 1)));
  console.log(
    `${numBags} bags, sizes ${min}–${max} (ΣN = ${sizes.reduce((a, b) => a + b, 0)}), D = ${dim}, median of ${reps}; ` +
      `${cpus()[0]?.model ?? '?'}; load ${loadavg()[0]?.toFixed(2)}; node ${process.version}\n`,
  );
  setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  for (const backend of backends) {
    await tf.setBackend(backend);
    tf.randomNormal([1]).dispose();
    const bagTensors = sizes.map((n, i) => tf.randomNormal([n, dim], 0, 1, 'float32', 1000 + i) as tf.Tensor2D);
    const asVariable = (b: RaggedBatch): RaggedBatch & { instances: tf.Variable } => ({
      ...b,
      instances: tf.variable(b.instances),
    });
    const batch = asVariable(createRaggedBatch(bagTensors));
    const singles = bagTensors.map((t) => asVariable(createRaggedBatch([t])));
    const rows: (string | number)[][] = [];
    for (const name of AGGREGATOR_NAMES) {
      const agg = createAggregator(name, { units: 128, seed: 1, k: 5 });
      const ragged = timeMs(reps, () => step(agg, batch));
      const loop = timeMs(reps, () => singles.forEach((s) => step(agg, s)));
      rows.push([name, ragged, loop, loop / ragged]);
      agg.layer?.dispose();
    }
    console.log(formatTable([`tfjs ${tf.getBackend()}: aggregator`, 'ragged ms', 'loop of B ms', 'speed-up'], rows));
    console.log('');
    tf.dispose([...bagTensors, batch.instances, ...singles.map((s) => s.instances)]);
  }
}

/** The multi-instance pooling suite. */
export const milSuite: BenchSuite = {
  usage:
    '  --bags N      bags per batch (default 16)\n  --min N       smallest bag (default 10)\n  --max N       largest bag (default 100)\n' +
    '  --dim N       instance dimension (default 128)\n  --reps N      timed repetitions (default 5)\n' +
    '  --backend L   comma-separated tfjs backends (default cpu,wasm)',
  run,
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
