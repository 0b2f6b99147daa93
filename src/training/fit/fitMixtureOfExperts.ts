import * as tf from '@tensorflow/tfjs';
import type { MixtureOfExperts, MixtureOutput, PatientBag } from '../../models/index.js';
import { disposeMixtureBatch, disposeMixtureOutput } from '../../models/index.js';
import { EarlyStopping } from '../callbacks/index.js';
import { binaryCrossEntropyWithLogits, classWeights, multitaskLoss, nmse, type ClassWeights } from '../losses/index.js';
import { AdamW, GradientAccumulator } from '../optimizers/index.js';
import { ReduceLROnPlateau, setLearningRate } from '../schedules/index.js';
import { mulberry32, shuffleInPlace } from '../splits/index.js';
import { poolImagesOnHost } from './poolImagesOnHost.js';

/** What one epoch did, passed to `onEpochEnd` and kept in {@link FitHistory.epochs}. */
export interface EpochLog {
  /** 0-based epoch index. */
  readonly epoch: number;
  /** Mean training loss over the epoch's mini-batches (weighted BCE + λ·NMSE, + the `l2` penalty when set). */
  readonly loss: number;
  /** Loss on the validation patients (weighted BCE + λ·NMSE, without the `l2` penalty), or `null` without them. */
  readonly validationLoss: number | null;
  /** Learning rate used during the epoch. */
  readonly learningRate: number;
  /** Optimizer steps taken during the epoch. */
  readonly steps: number;
}

/** Progress of {@link fitMixtureOfExperts}, reported after every mini-batch. */
export interface FitProgress {
  /** 0-based epoch. */
  readonly epoch: number;
  /** Maximum number of epochs. */
  readonly epochs: number;
  /** Mini-batches done in this epoch, 1 … batches. */
  readonly batch: number;
  /** Mini-batches per epoch. */
  readonly batches: number;
}

/** Options of {@link fitMixtureOfExperts}. */
export interface FitOptions {
  /**
   * Patients whose loss drives the learning-rate plateau and early stopping (never trained on). Defaults to none:
   * the training loss is monitored instead.
   */
  readonly validation?: readonly PatientBag[];
  /** Maximum number of epochs, an integer ≥ 1. Defaults to `100`. */
  readonly epochs?: number;
  /** Patients per mini-batch (ragged bags, no padding), an integer ≥ 1. Defaults to `8`. */
  readonly batchSize?: number;
  /**
   * Mini-batches whose gradients are averaged before one optimizer step (the report's batch size 1 with
   * accumulation is `batchSize: 1, accumulationSteps: 8`), an integer ≥ 1. Defaults to `1`.
   */
  readonly accumulationSteps?: number;
  /** Initial AdamW learning rate. Defaults to `1e-3` (the report). */
  readonly learningRate?: number;
  /** AdamW decoupled weight decay. Defaults to `0.01` (PyTorch's default). */
  readonly weightDecay?: number;
  /**
   * Coupled L2 penalty (l2 / 2)·Σ‖W‖² over the model's trainable weight matrices (every trainable weight of rank
   * ≥ 2: dense, attention and gate kernels; not biases), added to the mean per-patient loss of every training
   * mini-batch (so {@link EpochLog.loss} includes it; the validation loss does not). Unlike AdamW's decoupled decay
   * it changes the objective itself: a linear scalar expert (`scalarUnits: 0`, no multitask head) trained to
   * convergence with `l2 = 1 / (C · n)` on n patients and `weightDecay: 0` is the logistic regression of inverse
   * strength C (scikit-learn's `LogisticRegression(C)` objective divided by C·n) on the model's own inputs: the
   * per-patient means of the image-standardised features and the patient-standardised metadata. Defaults to `0`.
   */
  readonly l2?: number;
  /** Weight λ of the NMSE lymphocyte-count term (ignored without the multitask head). Defaults to `1`. */
  readonly lambda?: number;
  /** ReduceLROnPlateau factor and patience. Defaults to `{ factor: 0.1, patience: 5 }` (the report). */
  readonly plateau?: { readonly factor?: number; readonly patience?: number };
  /** EarlyStopping patience; the best epoch's weights are restored at the end. Defaults to `10` (the report). */
  readonly patience?: number;
  /**
   * Fit the model's standardisation (metadata, handmade features) on the training patients before training.
   * Defaults to `true`.
   */
  readonly adaptNormalization?: boolean;
  /**
   * With a parameter-free `'mean'` or `'max'` image aggregator, pool every patient's image embeddings once on the
   * host ({@link poolImagesOnHost}) instead of at every step: the same bag embeddings, much less work per epoch.
   * Ignored for other aggregators. Defaults to `true`.
   */
  readonly precomputePooling?: boolean;
  /** Seed of the mini-batch shuffling. Defaults to `0`. */
  readonly seed?: number;
  /** Called after every epoch; returning `true` stops training (the best weights are still restored). Defaults to none. */
  readonly onEpochEnd?: (log: EpochLog) => boolean | void | Promise<boolean | void>;
  /** Called after every mini-batch. Defaults to none. */
  readonly onProgress?: (progress: FitProgress) => void;
}

/** What {@link fitMixtureOfExperts} returns. */
export interface FitHistory {
  /** One log per epoch run. */
  readonly epochs: EpochLog[];
  /** 0-based epoch whose weights the model holds at the end (lowest monitored loss). */
  readonly bestEpoch: number;
  /** Whether early stopping (or `onEpochEnd`) ended training before `epochs`. */
  readonly stoppedEarly: boolean;
  /** The class weights fitted on the training labels (inverse class frequency). */
  readonly classWeights: ClassWeights;
  /** Var(log(1 + lymphocyte count)) of the training patients, the NMSE normaliser. */
  readonly countVariance: number;
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`fitMixtureOfExperts: ${name} must be an integer ≥ 1, got ${String(value)}`);
  }
  return value;
}

interface LossContext {
  readonly weights: ClassWeights;
  readonly variance: number;
  readonly lambda: number;
  /** Coefficient of the L2 penalty and the kernels it applies to (empty: none). */
  readonly l2: number;
  readonly kernels: readonly tf.Variable[];
}

/** Weighted BCE + λ·NMSE of one batch's output (+ the L2 penalty); a scalar, in the enclosing tidy. */
function batchLoss(out: MixtureOutput, bags: readonly PatientBag[], ctx: LossContext): tf.Scalar {
  const labels = bags.map((b) => b.label as number);
  const z = tf.tensor1d(labels, 'float32'); // [B]
  const w = tf.tensor1d(labels.map((l) => (l === 1 ? ctx.weights.positive : ctx.weights.negative)), 'float32'); // [B]
  const classification = binaryCrossEntropyWithLogits(z, out.logit, { weights: w });
  let loss = classification;
  if (out.logLymphCount !== null) {
    const target = tf.tensor1d(bags.map((b) => Math.log1p(b.lymphCount)), 'float32'); // [B]
    const regression = nmse(target, out.logLymphCount, { variance: ctx.variance });
    loss = multitaskLoss({ classification, regression }, { lambda: ctx.lambda });
  }
  if (ctx.l2 === 0 || ctx.kernels.length === 0) return loss;
  const squares = ctx.kernels.map((k) => tf.sum(tf.square(k)));
  return tf.add(loss, tf.mul(ctx.l2 / 2, tf.addN(squares))) as tf.Scalar;
}

/** Mean loss over `bags` in batches of 64, without gradients. */
async function evaluateLoss(model: MixtureOfExperts, bags: readonly PatientBag[], ctx: LossContext): Promise<number> {
  let total = 0;
  for (let start = 0; start < bags.length; start += 64) {
    const part = bags.slice(start, start + 64);
    const batch = model.createBatch(part);
    try {
      const loss = tf.tidy(() => {
        const out = model.call(batch);
        const value = batchLoss(out, part, ctx);
        disposeMixtureOutput(out);
        return value;
      });
      try {
        total += ((await loss.data())[0] as number) * part.length;
      } finally {
        loss.dispose();
      }
    } finally {
      disposeMixtureBatch(batch);
    }
  }
  return total / bags.length;
}

/**
 * Trains a {@link MixtureOfExperts} on labelled patients with the challenge report's recipe: mini-batches of
 * ragged bags (any batch size, no padding), class-weighted BCE (inverse class frequency of the training labels) +
 * λ·NMSE of log(1 + lymphocyte count) (variance of the training patients), AdamW, learning rate ×0.1 after 5
 * epochs without improvement, early stopping after 10 with the best epoch's weights restored, optional gradient
 * accumulation. Every fitted statistic (standardisation, class weights, NMSE variance) comes from `train` only.
 *
 * Memory: every tensor made during training is freed (the optimizer state too); the model keeps its weights.
 *
 * @param model - The model to train in place (its weights change).
 * @param train - Labelled training patients (both classes present).
 * @param options - See {@link FitOptions}.
 * @returns The history; see {@link FitHistory}.
 * @throws If a training patient has no label, a class is missing, or an option is out of range.
 * @example
 * ```ts
 * const model = new MixtureOfExperts({ handmadeDim: 51, experts: ['scalar'] });
 * const history = await fitMixtureOfExperts(model, trainBags, { validation: validBags, batchSize: 8 });
 * ```
 */
export async function fitMixtureOfExperts(
  model: MixtureOfExperts,
  train: readonly PatientBag[],
  options: FitOptions = {},
): Promise<FitHistory> {
  for (const [name, value] of [
    ['epochs', options.epochs],
    ['batchSize', options.batchSize],
    ['accumulationSteps', options.accumulationSteps],
  ] as const) {
    if (value !== undefined) positiveInt(name, value);
  }
  const lambda = options.lambda ?? 1;
  const l2 = options.l2 ?? 0;
  if (!(Number.isFinite(l2) && l2 >= 0)) throw new Error(`fitMixtureOfExperts: l2 must be finite and ≥ 0, got ${String(l2)}`);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new Error(`fitMixtureOfExperts: seed must be an integer, got ${String(seed)}`);
  const unlabelled = [...train, ...(options.validation ?? [])].find((b) => b.label !== 0 && b.label !== 1);
  if (unlabelled !== undefined) {
    throw new Error(`fitMixtureOfExperts: patient ${unlabelled.id} has no label (expected 0 or 1, got ${String(unlabelled.label)})`);
  }
  if (train.length === 0) throw new Error('fitMixtureOfExperts: expected at least one training patient');
  const weights = classWeights(train.map((b) => b.label as number));
  const logCounts = train.map((b) => Math.log1p(b.lymphCount));
  const meanCount = logCounts.reduce((a, b) => a + b, 0) / logCounts.length;
  const rawVariance = logCounts.reduce((s, c) => s + (c - meanCount) ** 2, 0) / logCounts.length;
  const variance = rawVariance > 1e-12 ? rawVariance : 1; // constant counts: plain MSE
  const kernels = l2 > 0 ? model.trainableVariables.filter((v) => v.rank >= 2) : [];
  const ctx: LossContext = { weights, variance, lambda, l2, kernels };
  if (options.adaptNormalization ?? true) model.adaptNormalization(train);
  const aggregator = model.config.imageAggregator;
  if ((options.precomputePooling ?? true) && model.config.imageDim > 0 && (aggregator === 'mean' || aggregator === 'max')) {
    // after adaptNormalization, which needs the instances
    const validation = options.validation === undefined ? undefined : poolImagesOnHost(options.validation, aggregator);
    return fitLoop(model, poolImagesOnHost(train, aggregator), options, ctx, validation);
  }
  return fitLoop(model, train, options, ctx, options.validation);
}

/** The epochs of {@link fitMixtureOfExperts} once the inputs are checked and the statistics fitted. */
async function fitLoop(
  model: MixtureOfExperts,
  train: readonly PatientBag[],
  options: FitOptions,
  ctx: LossContext,
  validationBags: readonly PatientBag[] | undefined,
): Promise<FitHistory> {
  const epochs = options.epochs ?? 100;
  const batchSize = options.batchSize ?? 8;
  const accumulationSteps = options.accumulationSteps ?? 1;
  const seed = options.seed ?? 0;

  const optimizer = new AdamW({ learningRate: options.learningRate ?? 1e-3, weightDecay: options.weightDecay ?? 0.01 });
  const accumulator = new GradientAccumulator(optimizer, { steps: accumulationSteps });
  const plateau = new ReduceLROnPlateau(optimizer.learningRate, {
    factor: options.plateau?.factor ?? 0.1,
    patience: options.plateau?.patience ?? 5,
  });
  const stopper = new EarlyStopping({ patience: options.patience ?? 10 });
  const variables = model.trainableVariables;
  const random = mulberry32(seed);
  const order = train.map((_, i) => i);
  const batches = Math.ceil(train.length / batchSize);
  const logs: EpochLog[] = [];
  let stoppedEarly = false;
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      shuffleInPlace(order, random);
      const learningRate = optimizer.learningRate;
      let lossSum = 0;
      let steps = 0;
      for (let b = 0; b < batches; b++) {
        const part = order.slice(b * batchSize, (b + 1) * batchSize).map((i) => train[i] as PatientBag);
        const batch = model.createBatch(part);
        try {
          const f = (): tf.Scalar => {
            const out = model.call(batch);
            const loss = batchLoss(out, part, ctx);
            disposeMixtureOutput(out);
            return loss;
          };
          const { value, applied } = accumulator.step(f, variables);
          if (applied) steps++;
          lossSum += ((await value.data())[0] as number) * part.length;
          value.dispose();
        } finally {
          disposeMixtureBatch(batch);
        }
        options.onProgress?.({ epoch, epochs, batch: b + 1, batches });
      }
      if (accumulator.flush()) steps++;
      const loss = lossSum / train.length;
      const validationLoss = validationBags !== undefined && validationBags.length > 0
        ? await evaluateLoss(model, validationBags, { ...ctx, kernels: [] }) // the data loss, without the penalty
        : null;
      const log: EpochLog = { epoch, loss, validationLoss, learningRate, steps };
      logs.push(log);
      const monitored = validationLoss ?? loss;
      setLearningRate(optimizer, plateau.update(monitored).learningRate);
      const decision = stopper.update(monitored, variables);
      const callbackStop = (await options.onEpochEnd?.(log)) === true;
      if (decision.stop || callbackStop) {
        stoppedEarly = epoch < epochs - 1;
        break;
      }
    }
    stopper.restoreBestWeights(variables);
    return { epochs: logs, bestEpoch: stopper.bestEpoch, stoppedEarly, classWeights: ctx.weights, countVariance: ctx.variance };
  } finally {
    stopper.dispose();
    accumulator.dispose();
    optimizer.dispose();
  }
}
