import * as tf from '@tensorflow/tfjs';
import { ensureBackend } from '../../backend/index.js';
import { ArgumentError, checkBoolean, checkOptions, createProgressReporter, deriveSeed, optionalInteger, optionalNumber, seededRandom, type ProgressListener } from '../../core/index.js';
import { CropCnn, resolveCropCnnConfig, type CropCnnConfig, type PatientBag } from '../../models/index.js';
import type { BagPrediction, Estimator, EstimatorFitOptions, FittedModel } from '../estimator/index.js';
import { dihedralCrop } from './dihedralCrop.js';

/** Options of {@link cropCnnEstimator}. */
export interface CropCnnEstimatorOptions {
  /** The network (see `CropCnnConfig`; `seed` is derived from the fit's seed). Defaults to `{}`. */
  readonly model?: Omit<CropCnnConfig, 'seed'>;
  /** Epochs, an integer ≥ 1. Defaults to `15`. */
  readonly epochs?: number;
  /** Patients per mini-batch. Defaults to `8`. */
  readonly batchSize?: number;
  /** Crops drawn per patient per epoch (all of them when fewer), fresh each epoch. Defaults to `16`. */
  readonly cellsPerBag?: number;
  /** Adam learning rate. Defaults to `3e-3`. */
  readonly learningRate?: number;
  /** Weight λ of the count term (MultiTask). Defaults to `1`. */
  readonly lambda?: number;
  /** Random flips and 90° rotations of the training crops. Defaults to `true`. */
  readonly augment?: boolean;
  /** Crops per forward pass at prediction. Defaults to `256`. */
  readonly predictBatch?: number;
}

/** The prediction of a fitted crop CNN. */
export interface CropCnnPrediction extends BagPrediction {
  /** `image`: the image expert alone (σ of its logit). */
  readonly experts: { readonly image: Float32Array };
  /** [B] predicted count (10⁹/L) of the MultiTask head, `null` in OneTask. */
  readonly lymphCount: Float32Array | null;
}

/** The `detail` of the crop CNN's progress events: the epoch and its mean training loss. */
export interface CropCnnProgressDetail {
  readonly epoch: number;
  readonly loss: number;
}

const FN = 'cropCnnEstimator';

function checkCrops(fn: string, bags: readonly PatientBag[], dim: number, labels: boolean): void {
  if (!Array.isArray(bags) || bags.length === 0) throw new ArgumentError(fn, 'bags', 'at least one patient', bags);
  for (const b of bags) {
    const m = b.images;
    if (m === undefined || !(m.rows >= 1) || m.cols !== dim || m.data.length !== m.rows * dim) {
      throw new ArgumentError(fn, `bags (patient ${b.id}).images`, `[n ≥ 1, ${dim}] crops (S·S·3 values each, see nucleusCrop)`, m === undefined ? m : `[${m.rows}, ${m.cols}]`);
    }
    if (!Number.isFinite(b.age) || !(b.lymphCount >= 0)) throw new ArgumentError(fn, `bags (patient ${b.id})`, 'a finite age and lymphCount ≥ 0', `${b.age}, ${b.lymphCount}`);
    if (labels && b.label !== 0 && b.label !== 1) throw new ArgumentError(fn, `bags (patient ${b.id}).label`, '0 or 1', b.label);
  }
}

/** BCE from logits, weighted per example: max(x, 0) − x·z + log1p(exp(−|x|)). */
function weightedBce(logit: tf.Tensor1D, target: tf.Tensor1D, weight: tf.Tensor1D): tf.Scalar {
  const loss = tf.add(tf.sub(tf.relu(logit), tf.mul(logit, target)), tf.log1p(tf.exp(tf.neg(tf.abs(logit)))));
  return tf.div(tf.sum(tf.mul(loss, weight)), tf.sum(weight)) as tf.Scalar;
}

/**
 * The crop CNN ({@link CropCnn}) as an {@link Estimator}: an image expert trained from scratch on each patient's
 * nucleus-centred crops (the bags' `images`: [n, S·S·3] rows from `nucleusCrop`), its mean-pooled embedding → linear
 * head, plus a linear term on the standardised metadata for the final logit, and (MultiTask) a head regressing the
 * standardised log count. Each epoch draws `cellsPerBag` crops per patient afresh and applies a random flip and 90°
 * rotation to each. Loss: class-balanced BCE of the final logit + BCE of the image expert's own logit (so that it
 * classifies alone) + λ·MSE of the standardised log count (= NMSE). Adam, fixed epochs.
 *
 * Runs on the library's default backend (wasm in Node) with natively differentiable ops only.
 *
 * @param options - See {@link CropCnnEstimatorOptions}; checked now.
 * @returns An estimator named `crop-cnn(S px, OneTask|MultiTask[, frozen])`; its models own tensors (dispose them).
 * @throws {ArgumentError} naming `cropCnnEstimator` and the option out of range.
 * @example
 * const estimator = cropCnnEstimator({ model: { size: 48, multitask: true }, epochs: 15 });
 * const cv = await crossValidate(estimator, cropBags, { folds: 5, seed: 0 });
 */
export function cropCnnEstimator(options: CropCnnEstimatorOptions = {}): Estimator<CropCnnPrediction, FittedModel<CropCnnPrediction>> {
  checkOptions(FN, options);
  const config = resolveCropCnnConfig(checkOptions(FN, options.model ?? {}, 'options.model'));
  const epochs = optionalInteger(FN, 'options.epochs', options.epochs, 15, { min: 1 });
  const batchSize = optionalInteger(FN, 'options.batchSize', options.batchSize, 8, { min: 1 });
  const cellsPerBag = optionalInteger(FN, 'options.cellsPerBag', options.cellsPerBag, 16, { min: 1 });
  const learningRate = optionalNumber(FN, 'options.learningRate', options.learningRate, 3e-3, { min: 0, minExclusive: true });
  const lambda = optionalNumber(FN, 'options.lambda', options.lambda, 1, { min: 0 });
  const augment = checkBoolean(FN, 'options.augment', options.augment ?? true);
  const predictBatch = optionalInteger(FN, 'options.predictBatch', options.predictBatch, 256, { min: 1 });
  const s = config.size;
  const dim = s * s * 3;
  return {
    name: `crop-cnn(${s} px, ${config.multitask ? 'MultiTask' : 'OneTask'}${config.frozenBackbone ? ', frozen random backbone' : ''})`,
    async fit(bags: readonly PatientBag[], fit: EstimatorFitOptions): Promise<FittedModel<CropCnnPrediction>> {
      const fn = `${FN}.fit`;
      if (!Number.isSafeInteger(fit?.seed)) throw new ArgumentError(fn, 'options.seed', 'an integer', fit?.seed);
      checkCrops(fn, bags, dim, true);
      await ensureBackend();
      const meta = bags.map((b) => [b.age, Math.log1p(b.lymphCount)] as const);
      const mean = [0, 1].map((k) => meta.reduce((a, m) => a + m[k]!, 0) / meta.length);
      const sd = [0, 1].map((k) => Math.sqrt(meta.reduce((a, m) => a + (m[k]! - mean[k]!) ** 2, 0) / meta.length) || 1);
      const standard = (b: PatientBag): [number, number] => [(b.age - mean[0]!) / sd[0]!, (Math.log1p(b.lymphCount) - mean[1]!) / sd[1]!];
      const positives = bags.filter((b) => b.label === 1).length;
      const classWeight = [bags.length / (2 * Math.max(1, bags.length - positives)), bags.length / (2 * Math.max(1, positives))];
      const model = new CropCnn({ ...config, seed: deriveSeed(fit.seed, 0) });
      const optimizer = tf.train.adam(learningRate);
      const rng = seededRandom(deriveSeed(fit.seed, 1));
      const report = createProgressReporter<CropCnnProgressDetail>('training', epochs, fit.onProgress as ProgressListener<CropCnnProgressDetail> | undefined);
      try {
        const order = bags.map((_, i) => i);
        for (let epoch = 0; epoch < epochs; epoch++) {
          for (let i = order.length - 1; i > 0; i--) {
            const j = Math.floor(rng.next() * (i + 1));
            [order[i], order[j]] = [order[j]!, order[i]!];
          }
          let lossSum = 0;
          let steps = 0;
          for (let start = 0; start < order.length; start += batchSize) {
            if (fit.signal?.aborted) throw fit.signal.reason ?? new Error(`${fn}: aborted`);
            const batch = order.slice(start, start + batchSize).map((i) => bags[i]!);
            const picks = batch.map((b) => {
              const n = b.images!.rows;
              const idx = Array.from({ length: n }, (_, k) => k);
              for (let k = 0; k < Math.min(cellsPerBag, n); k++) {
                const r = k + Math.floor(rng.next() * (n - k));
                [idx[k], idx[r]] = [idx[r]!, idx[k]!];
              }
              return idx.slice(0, Math.min(cellsPerBag, n));
            });
            const total = picks.reduce((a, p) => a + p.length, 0);
            const crops = new Float32Array(total * dim);
            const assignment = new Float32Array(batch.length * total);
            let row = 0;
            batch.forEach((b, bi) => {
              for (const k of picks[bi]!) {
                const crop = b.images!.data.subarray(k * dim, (k + 1) * dim);
                if (augment) dihedralCrop(crop, s, Math.floor(rng.next() * 8), crops, row * dim);
                else crops.set(crop, row * dim);
                assignment[bi * total + row] = 1 / picks[bi]!.length;
                row++;
              }
            });
            const x = tf.tensor4d(crops, [total, s, s, 3]);
            const a = tf.tensor2d(assignment, [batch.length, total]);
            const m = tf.tensor2d(batch.flatMap(standard), [batch.length, 2]);
            const y = tf.tensor1d(batch.map((b) => b.label!));
            const w = tf.tensor1d(batch.map((b) => classWeight[b.label!]!));
            const c = tf.tensor1d(batch.map((b) => standard(b)[1]));
            try {
              const loss = optimizer.minimize(
                () => {
                  const out = model.call(x, a, config.metadata ? m : null);
                  let l = tf.add(weightedBce(out.logit, y, w), weightedBce(out.imageLogit, y, w));
                  if (out.logLymphCount !== null) l = tf.add(l, tf.mul(lambda, tf.mean(tf.square(tf.sub(out.logLymphCount, c)))));
                  return l as tf.Scalar;
                },
                true,
                model.trainableVariables,
              );
              lossSum += (await loss!.data())[0]!;
              loss!.dispose();
              steps++;
            } finally {
              tf.dispose([x, a, m, y, w, c]);
            }
          }
          report(epoch + 1, { epoch, loss: lossSum / steps });
        }
      } catch (error) {
        model.dispose();
        throw error;
      } finally {
        optimizer.dispose();
      }
      return {
        async predict(test: readonly PatientBag[]): Promise<CropCnnPrediction> {
          checkCrops(`${FN} model.predict`, test, dim, false);
          const e = model.embeddingDim;
          const bagEmbedding = new Float32Array(test.length * e);
          // Every crop of every patient, in chunks of predictBatch crops; embeddings summed per patient on the host.
          const owners: number[] = [];
          const rows: Float32Array[] = [];
          test.forEach((b, bi) => {
            for (let k = 0; k < b.images!.rows; k++) {
              owners.push(bi);
              rows.push(b.images!.data.subarray(k * dim, (k + 1) * dim));
            }
          });
          for (let start = 0; start < rows.length; start += predictBatch) {
            const chunk = rows.slice(start, start + predictBatch);
            const data = new Float32Array(chunk.length * dim);
            chunk.forEach((r, k) => data.set(r, k * dim));
            const embedded = tf.tidy(() => model.embed(tf.tensor4d(data, [chunk.length, s, s, 3])));
            const values = await embedded.data();
            embedded.dispose();
            chunk.forEach((_, k) => {
              const bi = owners[start + k]!;
              for (let d = 0; d < e; d++) bagEmbedding[bi * e + d]! += values[k * e + d]! / test[bi]!.images!.rows;
            });
          }
          const bag = tf.tensor2d(bagEmbedding, [test.length, e]);
          const m = tf.tensor2d(test.flatMap(standard), [test.length, 2]);
          const out = model.heads(bag, config.metadata ? m : null);
          try {
            const sigmoid = async (t: tf.Tensor1D): Promise<Float32Array> => Float32Array.from(await t.data(), (z) => 1 / (1 + Math.exp(-z)));
            const count = out.logLymphCount === null ? null : Float32Array.from(await out.logLymphCount.data(), (z) => Math.expm1(z * sd[1]! + mean[1]!));
            return { probability: await sigmoid(out.logit), experts: { image: await sigmoid(out.imageLogit) }, lymphCount: count };
          } finally {
            tf.dispose([bag, m, out.logit, out.imageLogit, ...(out.logLymphCount === null ? [] : [out.logLymphCount])]);
          }
        },
        dispose: () => model.dispose(),
      };
    },
  };
}
