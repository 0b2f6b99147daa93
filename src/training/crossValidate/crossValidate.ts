import { MixtureEnsemble, MixtureOfExperts, type MixtureOfExpertsConfig, type PatientBag } from '../../models/index.js';
import { fitMixtureOfExperts, type EpochLog, type FitOptions } from '../fit/index.js';
import { balancedAccuracy, rocAuc, sensitivity, specificity } from '../metrics/index.js';
import { stratifiedKFold, stratifiedTrainTestSplit } from '../splits/index.js';

/** Binary classification metrics of one fold (threshold 0.5 unless set). */
export interface BinaryMetrics {
  /** (sensitivity + specificity) / 2, the challenge metric. */
  readonly balancedAccuracy: number;
  /** Area under the ROC curve of the probabilities. */
  readonly auc: number;
  /** Recall of the malignant class. */
  readonly sensitivity: number;
  /** Recall of the reactive class. */
  readonly specificity: number;
}

/** The result of one fold. */
export interface FoldResult {
  /** 0-based fold index. */
  readonly fold: number;
  /** Indices (into the input) of the patients trained on (inner training part and inner validation part). */
  readonly train: number[];
  /** Indices of the held-out patients the metrics are computed on. */
  readonly test: number[];
  /** Metrics on the held-out patients. */
  readonly metrics: BinaryMetrics;
  /** Epochs run by each of the fold's models. */
  readonly epochs: number[];
  /** Best epoch of each of the fold's models. */
  readonly bestEpoch: number[];
}

/** Progress of {@link crossValidate}, reported after every epoch of every fold. */
export interface CrossValidateProgress {
  /** 0-based fold. */
  readonly fold: number;
  /** Number of folds. */
  readonly folds: number;
  /** The epoch just finished. */
  readonly epoch: EpochLog;
}

/** Options of {@link crossValidate}. */
export interface CrossValidateOptions {
  /** Configuration of every fold's model (its `seed` is offset by the fold index). Defaults to `{}`. */
  readonly model?: MixtureOfExpertsConfig;
  /** Number of folds K, an integer ≥ 2. Defaults to `5`. */
  readonly folds?: number;
  /** Seed of the fold assignment, the inner validation split, the model initialisation and the shuffling. Defaults to `0`. */
  readonly seed?: number;
  /**
   * Fraction of each training fold held out (stratified) for the learning-rate plateau and early stopping; `0`
   * monitors the training loss. Defaults to `0.2`.
   */
  readonly validationFraction?: number;
  /** Training options of every fold (not `validation`, `seed`, `onProgress`). Defaults to the defaults of `fitMixtureOfExperts`. */
  readonly fit?: Omit<FitOptions, 'validation' | 'seed' | 'onProgress' | 'onEpochEnd'>;
  /** Probability threshold of the malignant class for balanced accuracy, sensitivity, specificity. Defaults to `0.5`. */
  readonly threshold?: number;
  /**
   * Models trained per fold from different initialisations (seeds), their probabilities averaged: an ensemble that
   * lowers the variance of small-cohort training. An integer ≥ 1. Defaults to `1`.
   */
  readonly modelsPerFold?: number;
  /** Keep the fold models (all K × modelsPerFold) as a {@link MixtureEnsemble} (the caller disposes it). Defaults to `false`. */
  readonly keepModels?: boolean;
  /** Called after every epoch of every fold. Defaults to none. */
  readonly onProgress?: (progress: CrossValidateProgress) => void;
}

/** What {@link crossValidate} returns. */
export interface CrossValidationResult {
  /** One result per fold. */
  readonly folds: FoldResult[];
  /** Mean of each metric over the folds. */
  readonly mean: BinaryMetrics;
  /** Sample standard deviation (n − 1) of each metric over the folds. */
  readonly sd: BinaryMetrics;
  /** Out-of-fold probability of every patient (input order), predicted by the model that did not see it. */
  readonly outOfFold: Float32Array;
  /** The fold models when `keepModels`, else `null`. */
  readonly ensemble: MixtureEnsemble | null;
}

const METRIC_KEYS = ['balancedAccuracy', 'auc', 'sensitivity', 'specificity'] as const;

function summarise(folds: readonly FoldResult[]): { mean: BinaryMetrics; sd: BinaryMetrics } {
  const mean = {} as Record<(typeof METRIC_KEYS)[number], number>;
  const sd = {} as Record<(typeof METRIC_KEYS)[number], number>;
  for (const key of METRIC_KEYS) {
    const values = folds.map((f) => f.metrics[key]);
    const m = values.reduce((a, b) => a + b, 0) / values.length;
    mean[key] = m;
    sd[key] = values.length > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1)) : 0;
  }
  return { mean, sd };
}

/**
 * Stratified K-fold cross-validation of the mixture of experts at the patient level.
 *
 * For each fold: the held-out patients are set aside; the rest are split (stratified) into an inner training part
 * and an inner validation part that drives the plateau and early stopping; a fresh model is standardised and trained
 * on the inner training part only (class weights, NMSE variance and standardisation fitted there), and scored on
 * the held-out patients (with `modelsPerFold` > 1, by the mean probability of several models). Seeded: the same inputs and seed give the same folds, weights and metrics.
 *
 * @param bags - Labelled patients; each class needs at least `folds` members.
 * @param options - See {@link CrossValidateOptions}.
 * @returns Per-fold metrics, mean ± sd, out-of-fold probabilities and optionally the fold models.
 * @throws If a patient is unlabelled, a class is too small for K folds, or an option is out of range.
 * @example
 * ```ts
 * const cv = await crossValidate(bags, { model: { experts: ['scalar'], handmadeDim: 51 }, seed: 1 });
 * console.log(cv.mean.balancedAccuracy, cv.sd.balancedAccuracy);
 * ```
 */
export async function crossValidate(bags: readonly PatientBag[], options: CrossValidateOptions = {}): Promise<CrossValidationResult> {
  const k = options.folds ?? 5;
  const seed = options.seed ?? 0;
  const validationFraction = options.validationFraction ?? 0.2;
  const threshold = options.threshold ?? 0.5;
  const modelsPerFold = options.modelsPerFold ?? 1;
  if (!Number.isInteger(modelsPerFold) || modelsPerFold < 1) {
    throw new Error(`crossValidate: modelsPerFold must be an integer ≥ 1, got ${String(modelsPerFold)}`);
  }
  if (!Number.isInteger(seed)) throw new Error(`crossValidate: seed must be an integer, got ${String(seed)}`);
  if (!(validationFraction >= 0 && validationFraction < 1)) {
    throw new Error(`crossValidate: validationFraction must be in [0, 1), got ${validationFraction}`);
  }
  if (!(threshold > 0 && threshold < 1)) throw new Error(`crossValidate: threshold must be in (0, 1), got ${threshold}`);
  const unlabelled = bags.find((b) => b.label !== 0 && b.label !== 1);
  if (unlabelled !== undefined) throw new Error(`crossValidate: patient ${unlabelled.id} has no label`);
  const labels = bags.map((b) => b.label as 0 | 1);
  const splits = stratifiedKFold(labels, { nSplits: k, shuffle: true, seed });
  const folds: FoldResult[] = [];
  const outOfFold = new Float32Array(bags.length);
  const models: MixtureOfExperts[] = [];
  try {
    for (const [fold, split] of splits.entries()) {
      const trainBags = split.train.map((i) => bags[i] as PatientBag);
      let inner = trainBags;
      let validation: PatientBag[] | undefined;
      if (validationFraction > 0) {
        const innerSplit = stratifiedTrainTestSplit(
          trainBags.map((b) => b.label as 0 | 1),
          { testSize: validationFraction, seed: seed * 7919 + fold },
        );
        inner = innerSplit.train.map((i) => trainBags[i] as PatientBag);
        validation = innerSplit.test.map((i) => trainBags[i] as PatientBag);
      }
      const testBags = split.test.map((i) => bags[i] as PatientBag);
      const probability = new Float32Array(testBags.length);
      const epochs: number[] = [];
      const bestEpoch: number[] = [];
      for (let member = 0; member < modelsPerFold; member++) {
        const model = new MixtureOfExperts({ ...options.model, seed: (options.model?.seed ?? 0) + seed * 101 + fold + 1000 * member });
        try {
          const history = await fitMixtureOfExperts(model, inner, {
            ...options.fit,
            ...(validation === undefined ? {} : { validation }),
            seed: seed * 131 + fold + 1000 * member,
            onEpochEnd: (epoch) => {
              options.onProgress?.({ fold, folds: k, epoch }); // a listener's return value is not a stop signal
            },
          });
          epochs.push(history.epochs.length);
          bestEpoch.push(history.bestEpoch);
          const predicted = await model.predict(testBags);
          predicted.probability.forEach((p, j) => (probability[j] = (probability[j] as number) + p / modelsPerFold));
        } catch (error) {
          model.dispose();
          throw error;
        }
        if (options.keepModels === true) models.push(model);
        else model.dispose();
      }
      split.test.forEach((i, j) => (outOfFold[i] = probability[j] as number));
      const testLabels = split.test.map((i) => labels[i] as number);
      const thresholdOptions = { threshold };
      folds.push({
        fold,
        train: split.train,
        test: split.test,
        metrics: {
          balancedAccuracy: balancedAccuracy(testLabels, probability, thresholdOptions),
          auc: rocAuc(testLabels, probability),
          sensitivity: sensitivity(testLabels, probability, thresholdOptions),
          specificity: specificity(testLabels, probability, thresholdOptions),
        },
        epochs,
        bestEpoch,
      });
    }
  } catch (error) {
    for (const m of models) m.dispose();
    throw error;
  }
  const { mean, sd } = summarise(folds);
  return { folds, mean, sd, outOfFold, ensemble: models.length > 0 ? new MixtureEnsemble(models) : null };
}
