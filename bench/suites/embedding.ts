/**
 * `npm run bench -- embedding [--batch 2] [--reps 2] [--size 224] [--backend cpu,wasm] [--models resnet18,convnext_tiny]`
 * (or `npx tsx bench/suites/embedding.ts [options]`)
 *
 * Images/s of the frozen backbones' forward pass (`Backbone.embed`) at full size with random weights: one batch
 * of `batch` random [size, size, 3] images in [0, 255], median of `reps` timed runs after one warm-up, on each
 * tfjs backend. Weights do not change the cost, so random ones stand in for pretrained ones.
 * @module
 */
import { cpus, loadavg } from 'node:os';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { BACKBONE_NAMES, createBackbone, type BackboneName } from '../../src/models/backbones/createBackbone.js';
import type { BenchSuite } from '../suite.js';
import { formatTable, intOption, parseOptions } from '../table.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
}

async function run(args: readonly string[]): Promise<void> {
  const options = parseOptions(args);
  const batch = intOption(options, 'batch', 2);
  const reps = intOption(options, 'reps', 2);
  const size = intOption(options, 'size', 224);
  const backends = (options.get('backend') ?? 'cpu,wasm').split(',');
  const models = (options.get('models') ?? 'resnet18,convnext_tiny').split(',') as BackboneName[];
  for (const m of models) {
    if (!BACKBONE_NAMES.includes(m)) throw new Error(`embedding bench: unknown model ${m} (${BACKBONE_NAMES.join(', ')})`);
  }
  console.log(
    `batch ${batch} × ${size}x${size}, median of ${reps}; ${cpus()[0]?.model ?? '?'} (${cpus().length} cores); ` +
      `load ${loadavg()[0]?.toFixed(2)}; node ${process.version}\n`,
  );
  setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  const rows: (string | number)[][] = [];
  for (const backend of backends) {
    await tf.setBackend(backend);
    await tf.ready();
    for (const name of models) {
      const backbone = createBackbone(name, { inputSize: size });
      const x = tf.randomUniform([batch, size, size, 3], 0, 255, 'float32', 1);
      const once = async (): Promise<number> => {
        const t0 = performance.now();
        const z = backbone.embed(x);
        await z.data();
        z.dispose();
        return performance.now() - t0;
      };
      await once();
      const times: number[] = [];
      for (let r = 0; r < reps; r++) times.push(await once());
      const ms = median(times);
      rows.push([backend, name, backbone.embeddingSize, ms / batch, (1000 * batch) / ms]);
      x.dispose();
      backbone.dispose();
    }
  }
  console.log(formatTable(['backend', 'backbone', 'D', 'ms/image', 'images/s'], rows));
}

/** The backbone embedding throughput suite. */
export const embeddingSuite: BenchSuite = {
  usage:
    '  --batch N     images per forward pass (default 2)\n  --reps N      timed repetitions (default 2)\n' +
    '  --size N      image side in pixels (default 224)\n  --backend L   comma-separated tfjs backends (default cpu,wasm)\n' +
    `  --models L    comma-separated backbones (default resnet18,convnext_tiny; any of ${BACKBONE_NAMES.join(', ')})`,
  run,
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
