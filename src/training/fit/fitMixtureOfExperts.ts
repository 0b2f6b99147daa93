import * as tf from '@tensorflow/tfjs';
import {
  ArgumentError,
  checkArray,
  checkOptions,
  createProgressReporter,
  optionalInteger,
  optionalNumber,
  seededRandom,
  type ProgressListener,
} from '../../core/index.js';
import { checkFiniteBags, type MixtureOfExperts, type MixtureOutput, type PatientBag } from '../../models/index.js';
import { disposeMixtureBatch, disposeMixtureOutput } from '../../models/index.js';
import { EarlyStopping } from '../callbacks/index.js';
import { binaryCrossEntropyWithLogits, classWeights, multitaskLoss, nmse, type ClassWeights } from '../losses/index.js';
import { AdamW, GradientAccumulator } from '../optimizers/index.js';
import { ReduceLROnPlateau, setLearningRate } from '../schedules/index.js';
import { shuffleInPlace } from '../splits/index.js';
import { poolImagesOnHost } from './poolImagesOnHost.js';

/** What one epoch did: the `detail` of each progress event, and kept in {@link FitHistory.epochs}. */
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

/**
 * The `detail` of the progress events of {@link fitMixtureOfExperts} (stage `'training'`, `done` epochs of at most
 * `total`): the epoch just finished.
 */
export type FitProgressDetail = EpochLog;

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
  /** Seed of the mini-batch shuffling (the library's `seededRandom`), an integer. Defaults to `0`. */
  readonly seed?: number;
  /**
   * Called after every epoch with a progress event (stage `'training'`, `done` epochs of at most `total`, elapsed
   * time, ETA; `detail`: the epoch's {@link EpochLog}); its return value is ignored. Defaults to none.
   */
  readonly onProgress?: ProgressListener<FitProgressDetail>;
  /** Stops training between mini-batches when aborted: the fit rejects with the signal's reason. Defaults to none. */
  readonly signal?: AbortSignal;
}

/** What {@link fitMixtureOfExperts} returns. */
export interface FitHistory {
  /** One log per epoch run. */
  readonly epochs: EpochLog[];
  /** 0-based epoch whose weights the model holds at the end (lowest monitored loss). */
  readonly bestEpoch: number;
  /** Whether early stopping ended training before `epochs`. */
  readonly stoppedEarly: boolean;
  /** The class weights fitted on the training labels (inverse class frequency). */
  readonly classWeights: ClassWeights;
  /** Var(log(1 + lymphocyte count)) of the training patients, the NMSE normaliser. */
  readonly countVariance: number;
}

const FN = 'fitMixtureOfExperts';

/** The options with their defaults, checked. */
interface ResolvedFitOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly accumulationSteps: number;
  readonly learningRate: number;
  readonly weightDecay: number;
  readonly l2: number;
  readonly lambda: number;
  readonly factor: number;
  readonly plateauPatience: number;
  readonly patience: number;
  readonly seed: number;
}

/**
 * Checks the options of {@link fitMixtureOfExperts} (and of the estimators that pass them through) and fills in
 * the defaults; messages name `fn` and the option.
 * @internal
 */
export function resolveFitOptions(options: FitOptions, fn = FN): ResolvedFitOptions {
  checkOptions(fn, options);
  const positive = { min: 1 };
  return {
    epochs: optionalInteger(fn, 'epochs', options.epochs, 100, positive),
    batchSize: optionalInteger(fn, 'batchSize', options.batchSize, 8, positive),
    accumulationSteps: optionalInteger(fn, 'accumulationSteps', options.accumulationSteps, 1, positive),
    learningRate: optionalNumber(fn, 'learningRate', options.learningRate, 1e-3, { min: 0, minExclusive: true }),
    weightDecay: optionalNumber(fn, 'weightDecay', options.weightDecay, 0.01, { min: 0 }),
    l2: optionalNumber(fn, 'l2', options.l2, 0, { min: 0 }),
    lambda: optionalNumber(fn, 'lambda', options.lambda, 1, { min: 0 }),
    factor: optionalNumber(fn, 'plateau.factor', options.plateau?.factor, 0.1, { min: 0, max: 1, minExclusive: true, maxExclusive: true }),
    plateauPatience: optionalInteger(fn, 'plateau.patience', options.plateau?.patience, 5, positive),
    patience: optionalInteger(fn, 'patience', options.patience, 10, positive),
    seed: optionalInteger(fn, 'seed', options.seed, 0),
  };
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
 * @throws {ArgumentError} If a training patient has no label, a class is missing, or an option is out of range.
 *   Rejects with the signal's reason when `signal` aborts; no tensor is left behind on any failure.
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
  const resolved = resolveFitOptions(options);
  const { lambda, l2 } = resolved;
  checkArray(FN, 'train', train, { minLength: 1 });
  if (options.validation !== undefined) checkArray(FN, 'options.validation', options.validation);
  const unlabelled = [...train, ...(options.validation ?? [])].find((b) => b.label !== 0 && b.label !== 1);
  if (unlabelled !== undefined) {
    throw new ArgumentError(FN, `the label of patient ${unlabelled.id}`, '0 or 1', unlabelled.label);
  }
  // With adaptNormalization off nothing else would see a NaN: it would train to a NaN loss without an error.
  checkFiniteBags(FN, train, model.readsInputs());
  if (options.validation !== undefined) checkFiniteBags(FN, options.validation, model.readsInputs());
  const positives = train.filter((b) => b.label === 1).length;
  if (positives === 0 || positives === train.length) {
    throw new ArgumentError(FN, 'train', 'patients of both classes', `${positives} malignant and ${train.length - positives} reactive`);
  }
  options.signal?.throwIfAborted();
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
    return fitLoop(model, poolImagesOnHost(train, aggregator), options, resolved, ctx, validation);
  }
  return fitLoop(model, train, options, resolved, ctx, options.validation);
}

/** The epochs of {@link fitMixtureOfExperts} once the inputs are checked and the statistics fitted. */
async function fitLoop(
  model: MixtureOfExperts,
  train: readonly PatientBag[],
  options: FitOptions,
  resolved: ResolvedFitOptions,
  ctx: LossContext,
  validationBags: readonly PatientBag[] | undefined,
): Promise<FitHistory> {
  const { epochs, batchSize, accumulationSteps, seed } = resolved;
  const report = createProgressReporter<FitProgressDetail>('training', epochs, options.onProgress);
  const optimizer = new AdamW({ learningRate: resolved.learningRate, weightDecay: resolved.weightDecay });
  const accumulator = new GradientAccumulator(optimizer, { steps: accumulationSteps });
  const plateau = new ReduceLROnPlateau(optimizer.learningRate, { factor: resolved.factor, patience: resolved.plateauPatience });
  const stopper = new EarlyStopping({ patience: resolved.patience });
  const variables = model.trainableVariables;
  const random = seededRandom(seed).next;
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
        options.signal?.throwIfAborted();
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
      report(epoch + 1, log, decision.stop ? epoch + 1 : epochs);
      if (decision.stop) {
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
