/**
 * `npm run bench -- training [--patients 120] [--min 60] [--max 100] [--dim 512] [--batch 8] [--reps 3] [--epochs 100] [--folds 5] [--cv 1]`
 * (or `npx tsx bench/suites/training.ts [options]`)
 *
 * Training cost of the mixture of experts on the tfjs cpu backend, on synthetic patients: bags of N ~ U[min, max]
 * standard-normal instance embeddings of dimension `dim` (fixed seed), labels from a weak shift of the embeddings
 * and of the lymphocyte count. Model: image expert (mean aggregation, multitask head) + scalar expert on the metadata,
 * sigmoid gate.
 * 1. One training epoch with ragged mini-batches of `batch` patients versus batch size 1 with `batch` accumulated
 *    gradient steps (the report's workaround): same data, same model, same number of optimizer steps. Median of
 *    `reps` epochs after one warm-up epoch; both pool the instances at every step (`precomputePooling: false`). A third
 *    row times the default of `fitMixtureOfExperts`: mean pooling precomputed once on the host (`poolImagesOnHost`).
 * 2. The wall time of a whole `folds`-fold `crossValidate` (at most `epochs` epochs per fold, early stopping; the
 *    defaults, so pooling precomputed), unless `--cv 0`.
 * @module
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { MixtureOfExperts, type MixtureOfExpertsConfig, type PatientBag } from '../../src/models/index.js';
import { seededRandom } from '../../src/core/index.js';
import { crossValidate } from '../../src/training/crossValidate/index.js';
import { mixtureOfExpertsEstimator } from '../../src/training/estimator/index.js';
import { fitMixtureOfExperts } from '../../src/training/fit/index.js';
import type { BenchSuite } from '../suite.js';
import { formatTable, intOption, parseOptions } from '../table.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
}

/** Synthetic patients with random embeddings (a weak label signal, so that early stopping behaves as on data). */
function randomPatients(count: number, min: number, max: number, dim: number): PatientBag[] {
  const rng = seededRandom(2024);
  const random = (): number => rng.next();
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Array.from({ length: count }, (_, i): PatientBag => {
    const label = (i % 10 < 7 ? 1 : 0) as 0 | 1;
    const n = min + Math.floor(random() * (max - min + 1));
    const data = Float32Array.from({ length: n * dim }, (_, k) => gauss() + (k % dim < 8 ? 0.3 * label : 0));
    return { id: `B${i}`, label, age: 60 + 10 * gauss(), lymphCount: Math.exp(2 + 0.4 * label + 0.4 * gauss()), images: { data, rows: n, cols: dim } };
  });
}

async function run(args: readonly string[]): Promise<void> {
  const options = parseOptions(args);
  const patients = intOption(options, 'patients', 120);
  const min = intOption(options, 'min', 60);
  const max = intOption(options, 'max', 100);
  const dim = intOption(options, 'dim', 512);
  const batch = intOption(options, 'batch', 8);
  const reps = intOption(options, 'reps', 3);
  const epochs = intOption(options, 'epochs', 100);
  const folds = intOption(options, 'folds', 5);
  const cv = intOption(options, 'cv', 1);
  await tf.setBackend('cpu');
  const bags = randomPatients(patients, min, max, dim);
  const instances = bags.reduce((s, b) => s + (b.images?.rows ?? 0), 0);
  console.log(
    `${patients} patients, ${min}–${max} instances each (ΣN = ${instances}), D = ${dim}; tfjs cpu; ` +
      `${cpus()[0]?.model ?? '?'} (${cpus().length} cores); load ${loadavg()[0]?.toFixed(2)}; node ${process.version}\n`,
  );
  const config: MixtureOfExpertsConfig = { imageDim: dim, seed: 1 };
  const rows: (string | number)[][] = [];
  for (const [name, fit] of [
    [`ragged mini-batches of ${batch}`, { batchSize: batch, accumulationSteps: 1, precomputePooling: false }],
    [`batch size 1, ${batch} accumulated`, { batchSize: 1, accumulationSteps: batch, precomputePooling: false }],
    [`ragged of ${batch}, pooling precomputed`, { batchSize: batch, accumulationSteps: 1, precomputePooling: true }],
  ] as const) {
    const model = new MixtureOfExperts(config);
    const times: number[] = [];
    for (let r = 0; r <= reps; r++) {
      const t0 = performance.now();
      await fitMixtureOfExperts(model, bags, { ...fit, epochs: 1, seed: r });
      if (r > 0) times.push(performance.now() - t0); // the first epoch warms up
    }
    model.dispose();
    rows.push([name, median(times) / 1000, Math.ceil(patients / batch)]);
  }
  const ragged = rows[0]?.[1] as number;
  const single = rows[1]?.[1] as number;
  console.log(formatTable(['one epoch', 's', 'optimizer steps'], rows));
  console.log(`speed-up of ragged mini-batches: ${(single / ragged).toFixed(1)}x\n`);
  if (cv > 0) {
    let epochsRun = 0;
    const t0 = performance.now();
    const result = await crossValidate(mixtureOfExpertsEstimator(config, { epochs, batchSize: batch }), bags, {
      folds,
      seed: 0,
      onProgress: (event) => {
        if (event.stage === 'training') epochsRun++;
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    console.log(
      formatTable(
        ['whole cross-validation', 's', 'epochs (all folds)', 'balanced accuracy'],
        [[`${folds}-fold, ≤ ${epochs} epochs/fold`, seconds, epochsRun, `${result.mean.balancedAccuracy.toFixed(3)} ± ${result.sdOverFolds.balancedAccuracy.toFixed(3)}`]],
      ),
    );
  }
}

/** The training suite. */
export const trainingSuite: BenchSuite = {
  usage:
    '  --patients N  patients (default 120)\n  --min N       smallest bag (default 60)\n  --max N       largest bag (default 100)\n' +
    '  --dim N       embedding dimension (default 512)\n  --batch N     mini-batch size / accumulation steps (default 8)\n' +
    '  --reps N      timed epochs per mode (default 3)\n  --epochs N    max epochs per fold of the CV (default 100)\n' +
    '  --folds N     folds of the CV (default 5)\n  --cv 0|1      time a whole cross-validation (default 1)',
  run,
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
