/**
 * `npm run bench -- embedding [--batch 2] [--reps 2] [--size 224] [--backend cpu,wasm] [--models resnet18,convnext_tiny]
 * [--pool 2] [--images 24] [--profile] [--torch true] [--threads 1,2] [--python /usr/bin/python3]` (or `npx tsx bench/suites/embedding.ts [options]`)
 *
 * Images/s of the frozen backbones' forward pass (`Backbone.embed`) at full size with random weights: one batch
 * of `batch` random [size, size, 3] images in [0, 255], median of `reps` timed runs after one warm-up, on each
 * tfjs backend (wasm runs one thread in Node). Weights do not change the cost, so random ones stand in for
 * pretrained ones. "CPU ms/image" is the process CPU time (`process.cpuUsage`, user + system) of the same runs,
 * which other processes on a shared machine disturb less than the wall time. `--profile` adds, per backend and
 * backbone, the kernel times of one more forward pass from `tf.profile` (ms summed per kernel name, and share).
 *
 * Then `embedImagesPool` with `pool` worker threads (one wasm instance each, `--pool 0` skips it) on `images`
 * random PNGs of size x size (encoded once, decoded in the threads, no cache), forward passes of `batch`
 * images: "with start-up" is images / wall time of the whole call (threads start, build the backbone and
 * fingerprint it); images/s is the steady state: the images finished after every thread's first forward pass,
 * divided by the time from that pass to the last one (from `onProgress` timestamps). It needs
 * `images > 2 · pool · batch`.
 *
 * Last (`--torch false` skips it), onnxruntime-node beside PyTorch CPU in the same run (`onnxVsTorch.ts`): the
 * same full-size ResNet18 / ConvNeXt-tiny exported to ONNX by `python` at bench time (and checked against PyTorch's
 * outputs), runs of the two alternated `reps` times at each of `threads`, images/s of both (best and median), the
 * ratio, and a markdown table with this command and the load average.
 * @module
 */
import { cpus, loadavg } from 'node:os';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { encodePng } from '../../src/io/image/encodePng.js';
import { createRgbImage } from '../../src/io/image/rgbImage.js';
import { BACKBONE_NAMES, createBackbone, type BackboneName } from '../../src/models/backbones/createBackbone.js';
import { embedImagesPool } from '../../src/models/backbones/embedImagesPool.js';
import type { BenchSuite } from '../suite.js';
import { compareOnnxWithTorch } from './onnxVsTorch.js';
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
  const backendOption = options.get('backend') ?? 'cpu,wasm';
  const backends = backendOption === 'none' ? [] : backendOption.split(',');
  const models = (options.get('models') ?? 'resnet18,convnext_tiny').split(',') as BackboneName[];
  const pool = intOption(options, 'pool', 2);
  const count = intOption(options, 'images', 24);
  const profile = options.get('profile') === 'true';
  for (const m of models) {
    if (!BACKBONE_NAMES.includes(m)) throw new Error(`embedding bench: unknown model ${m} (${BACKBONE_NAMES.join(', ')})`);
  }
  console.log(
    `batch ${batch} × ${size}x${size}, median of ${reps}; ${cpus()[0]?.model ?? '?'} (${cpus().length} cores); ` +
      `load ${loadavg()[0]?.toFixed(2)}; node ${process.version}\n`,
  );
  setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  const rows: (string | number)[][] = [];
  const profiles: string[] = [];
  for (const backend of backends) {
    await tf.setBackend(backend);
    await tf.ready();
    if (backend === 'wasm') {
      // the SIMD binary is the one XNNPACK's fast kernels need; Node 20 validates it
      console.log(`wasm: SIMD ${String(tf.env().getBool('WASM_HAS_SIMD_SUPPORT'))}, threads ${String(tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT'))}`);
    }
    for (const name of models) {
      const backbone = createBackbone(name, { inputSize: size });
      const x = tf.randomUniform([batch, size, size, 3], 0, 255, 'float32', 1);
      const once = async (): Promise<{ wall: number; cpu: number }> => {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        const z = backbone.embed(x);
        await z.data();
        z.dispose();
        const c = process.cpuUsage(c0);
        return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
      };
      await once();
      const times: { wall: number; cpu: number }[] = [];
      for (let r = 0; r < reps; r++) times.push(await once());
      const ms = median(times.map((t) => t.wall));
      const cpuMs = median(times.map((t) => t.cpu));
      const label = backend === 'wasm' ? 'wasm (1 thread)' : backend;
      rows.push([label, name, backbone.embeddingSize, ms / batch, cpuMs / batch, (1000 * batch) / ms, '']);
      if (profile) {
        const info = await tf.profile(async () => {
          const z = backbone.embed(x);
          await z.data();
          z.dispose();
        });
        const byKernel = new Map<string, number>();
        // tf.profile also lists op scopes (fused ops, custom gradients) around their kernels: count kernels only
        for (const k of info.kernels) {
          if (tf.getKernel(k.name, backend) !== undefined) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + Number(k.kernelTimeMs));
        }
        const total = [...byKernel.values()].reduce((a, b) => a + b, 0);
        profiles.push(
          `${label} ${name}, batch ${batch}: kernels ${total.toFixed(1)} ms\n` +
            formatTable(
              ['kernel', 'ms', 'share %'],
              [...byKernel].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, v, (100 * v) / total]),
            ),
        );
      }
      x.dispose();
      backbone.dispose();
    }
  }
  if (pool > 0 && count > 2 * pool * batch) {
    let state = 12345;
    const rand = (): number => (state = (state * 1103515245 + 12345) % 2147483648) % 256;
    const images = await Promise.all(
      Array.from({ length: count }, () => encodePng(createRgbImage(size, size, Uint8Array.from({ length: size * size * 3 }, rand)))),
    );
    for (const name of models) {
      // seed ≥ 1: tfjs initialisers treat seed 0 as none, so every thread would draw other weights
      const spec = { name, options: { inputSize: size, seed: 1 } };
      // Steady state from the progress events: once every thread has finished its first forward pass (start-up
      // included), images finished after that instant / the time until the last one.
      const marks: { t: number; done: number }[] = [];
      const t0 = performance.now();
      const { failures, embeddingSize } = await embedImagesPool(spec, images, {
        workers: pool,
        batchSize: batch,
        onProgress: ({ done }) => marks.push({ t: performance.now(), done }),
      });
      const wall = performance.now() - t0;
      const failed = failures[0];
      if (failed !== undefined) throw new Error(`embedding bench: ${failed.message}`);
      // progress comes per image, each forward pass's images together: the first `pool` passes end at pool·chunk
      const chunk = Math.max(1, Math.min(batch, Math.ceil(images.length / pool)));
      const warm = marks[Math.min(pool * chunk, marks.length) - 1];
      const last = marks.at(-1);
      const steady = warm !== undefined && last !== undefined && last.done > warm.done ? (last.t - warm.t) / (last.done - warm.done) : NaN;
      rows.push([
        `wasm pool (${pool} workers)`,
        name,
        embeddingSize,
        steady,
        '',
        1000 / steady,
        `${((1000 * count) / wall).toFixed(2)} (${count} images in ${(wall / 1000).toFixed(1)} s)`,
      ]);
    }
  }
  console.log(formatTable(['backend', 'backbone', 'D', 'ms/image', 'CPU ms/image', 'images/s', 'images/s with start-up'], rows));
  for (const p of profiles) console.log(`\n${p}`);
  console.log(
    `\nload ${loadavg()[0]?.toFixed(2)} at the end. cpu/wasm rows: forward pass only; pool rows: decode + hash + forward in ` +
      'the threads, steady state after every thread\'s first pass (see the module doc).',
  );
  if (options.get('torch') !== 'false') {
    await compareOnnxWithTorch({
      models,
      batch,
      size,
      reps,
      threads: (options.get('threads') ?? '1,2').split(',').map(Number),
      python: options.get('python') ?? '/usr/bin/python3',
      profile,
      command: `npm run bench -- embedding ${args.join(' ')}`.trim(),
    });
  }
}

/** The backbone embedding throughput suite. */
export const embeddingSuite: BenchSuite = {
  usage:
    '  --batch N     images per forward pass (default 2)\n  --reps N      timed repetitions (default 2)\n' +
    '  --size N      image side in pixels (default 224)\n  --backend L   comma-separated tfjs backends (default cpu,wasm; none: no tfjs rows)\n' +
    `  --models L    comma-separated backbones (default resnet18,convnext_tiny; any of ${BACKBONE_NAMES.join(', ')})\n` +
    '  --pool N      worker threads of the embedImagesPool rows (default 2; 0: no pool rows)\n' +
    '  --images N    images embedded by the pool (default 24; more than 2 x pool x batch)\n' +
    '  --profile     also print the per-kernel times (tf.profile) of one forward pass per backend and backbone, and\n' +
    '                onnxruntime\'s per-operator times (enableProfiling, 1 thread) of the ONNX exports\n' +
    '  --torch B     onnxruntime-node vs PyTorch CPU on the same ONNX exports, interleaved run by run, with the ratio and a\n' +
    '                markdown table (default true; needs python3-torch; --reps rounds)\n' +
    '  --threads L   thread counts of that comparison (default 1,2)\n' +
    '  --python P    the python with torch (default /usr/bin/python3)',
  run,
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
