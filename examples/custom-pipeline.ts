/**
 * Build a variant of the pipeline from your own parts, then cross-validate, train, save, load and predict with it:
 *
 * - your own **image model** as the frozen backbone: here a small CNN built and saved with tfjs (any saved tfjs
 *   layers or graph model works the same way: `backbone: { model: { url, kind } }`);
 * - the library's **aggregator** of your choice for the image expert (attention pooling here; see `AGGREGATOR_NAMES`);
 * - your own **model kind** registered with `registerEstimator`: here a nearest-centroid rule on the per-patient mean
 *   handmade features and metadata, which saves itself as JSON — any `Estimator` whose fitted model can `save(dir)`
 *   fits in a pipeline, a configuration, the CLI's `--config file.json` and a saved model folder;
 * - and, not shown here, your own per-image **feature function**: `features: { extractorModule: 'my-features.js',
 *   names: [...] }`, an ES module exporting `extractCellFeatures(image)`.
 *
 * Usage: `npx tsx examples/custom-pipeline.ts [outDir]` (writes a small synthetic cohort there; default `out/custom`).
 * @module
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  LymphocytosisPipeline,
  ensureBackend,
  loadCohort,
  registerEstimator,
  saveModelTo,
  writeSyntheticCohort,
  type PatientBag,
  type PipelineConfig,
  type SavableModel,
} from 'lymphomix';
import { runIfMain } from './runIfMain.js';

/** A nearest-centroid rule on [mean handmade features, age, log count], standardised: the user's own model. */
function nearestCentroid(state: { mean: number[]; scale: number[]; centroids: number[][] }): SavableModel {
  const row = (b: PatientBag): number[] => {
    const h = b.handmade!;
    const m = new Array<number>(h.cols).fill(0);
    for (let r = 0; r < h.rows; r++) for (let c = 0; c < h.cols; c++) m[c]! += h.data[r * h.cols + c]! / h.rows;
    return [...m, b.age, Math.log1p(b.lymphCount)].map((v, j) => (v - state.mean[j]!) / state.scale[j]!);
  };
  const distance = (x: number[], c: number[]): number => Math.sqrt(x.reduce((s, v, j) => s + (v - c[j]!) ** 2, 0));
  return {
    async predict(bags) {
      // A soft vote: the closer the malignant centroid relative to the reactive one, the higher the probability.
      const probability = Float32Array.from(bags, (b) => {
        const x = row(b);
        const [d0, d1] = [distance(x, state.centroids[0]!), distance(x, state.centroids[1]!)];
        return d0 / (d0 + d1);
      });
      return { probability, experts: { centroid: probability } };
    },
    dispose() {},
    async save(dir) {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'nearest-centroid.json'), JSON.stringify(state));
    },
  };
}

registerEstimator('nearest-centroid', {
  create: () => ({
    name: 'nearest-centroid',
    async fit(bags) {
      const rows = bags.map((b) => {
        const h = b.handmade!;
        const m = new Array<number>(h.cols).fill(0);
        for (let r = 0; r < h.rows; r++) for (let c = 0; c < h.cols; c++) m[c]! += h.data[r * h.cols + c]! / h.rows;
        return [...m, b.age, Math.log1p(b.lymphCount)];
      });
      const cols = rows[0]!.length;
      const mean = Array.from({ length: cols }, (_, j) => rows.reduce((s, r) => s + r[j]!, 0) / rows.length);
      const scale = mean.map((m, j) => Math.sqrt(rows.reduce((s, r) => s + (r[j]! - m) ** 2, 0) / rows.length) || 1);
      const centroids = [0, 1].map((label) => {
        const mine = rows.filter((_, i) => bags[i]!.label === label).map((r) => r.map((v, j) => (v - mean[j]!) / scale[j]!));
        return Array.from({ length: cols }, (_, j) => mine.reduce((s, r) => s + r[j]!, 0) / mine.length);
      });
      return nearestCentroid({ mean, scale, centroids });
    },
  }),
  load: async (dir) => nearestCentroid(JSON.parse(await readFile(join(dir, 'nearest-centroid.json'), 'utf8'))),
});

/**
 * Runs the example.
 * @param argv - `[outDir]`.
 * @returns The exit code.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const out = resolve(argv[0] ?? 'out/custom');
  await ensureBackend(); // the library's default backend (wasm in Node) before this script makes its own tensors
  const cohortDir = join(out, 'cohort');
  await writeSyntheticCohort(cohortDir, { patientCount: 12, seed: 4, malignantFraction: 0.5, imagesPerPatient: { min: 4, max: 6 }, render: { size: 96 } });
  const { patients } = await loadCohort(cohortDir);

  // 1. Your own frozen image model: a small CNN, saved as a tfjs layers model. Pretrained weights would be loaded
  //    into it first; the pipeline only needs images [N, 48, 48, 3] → embeddings [N, D].
  const cnn = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [48, 48, 3], filters: 8, kernelSize: 3, strides: 2, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      tf.layers.globalAveragePooling2d({}),
    ],
  });
  const cnnDir = join(out, 'my-cnn');
  await saveModelTo(cnn, cnnDir);
  cnn.dispose();

  // 2. A mixture of experts whose image expert pools the CNN's embeddings with attention.
  const mixture: PipelineConfig = {
    backbone: { model: { url: cnnDir, kind: 'layers' }, options: { inputSize: 48, inputRange: 'normalized' } },
    model: {
      kind: 'mixture-of-experts',
      options: {
        mixture: { experts: ['image', 'scalar'], imageDim: 16, imageAggregator: 'attention', multitask: true }, // handmadeDim: the pipeline's 68 columns
        fit: { epochs: 20, batchSize: 4, learningRate: 0.01 },
        validationFraction: 0,
      },
    },
  };
  // 3. Your own model kind, registered above.
  const centroid: PipelineConfig = { model: { kind: 'nearest-centroid' } };

  for (const [name, config] of [
    ['attention mixture on my CNN', mixture],
    ['nearest centroid', centroid],
  ] as const) {
    const pipeline = new LymphocytosisPipeline(config, { workers: 0, cacheDir: join(out, 'cache') });
    const { result } = await pipeline.crossValidate(patients, { folds: 3, seed: 0 });
    console.log(`${name}: 3-fold balanced accuracy ${result.mean.balancedAccuracy.toFixed(3)}, AUC ${result.mean.auc.toFixed(3)}`);
    await pipeline.fit(patients);
    const dir = join(out, name.replace(/\W+/g, '-'));
    await pipeline.save(dir);
    pipeline.dispose();
    const loaded = await LymphocytosisPipeline.load(dir, { workers: 0 });
    const [first] = await loaded.predict([{ images: patients[0]!.images, age: patients[0]!.age, lymphCount: patients[0]!.lymphCount }]);
    const attention = first!.images.map((i) => (i.attention === null ? '-' : i.attention.toFixed(2))).join(' ');
    console.log(
      `  saved to ${dir}; patient ${patients[0]!.id}: p = ${first!.probability.toFixed(3)}, experts ${JSON.stringify(first!.experts)}` +
        `${first!.gate === null ? '' : `, π = ${first!.gate.toFixed(3)}`}, attention per image ${attention}`,
    );
    loaded.dispose();
  }
  return 0;
}

runIfMain(import.meta.url, main);
