import {
  ArgumentError,
  checkArray,
  checkBoolean,
  checkFunction,
  checkOptions,
  createProgressReporter,
  deriveSeed,
  optionalInteger,
  optionalNumber,
  type ProgressListener,
} from '../../core/index.js';
import { checkFiniteBags, type PatientBag } from '../../models/index.js';
import type { BagPrediction, Estimator, FittedModel } from '../estimator/index.js';
import { balancedAccuracy, rocAuc, sensitivity, specificity } from '../metrics/index.js';
import { stratifiedKFold } from '../splits/index.js';
import { collectOutOfFold, type FoldPrediction } from './collectOutOfFold.js';

/** Binary classification metrics (threshold 0.5 unless set). */
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

/** The result of one fold of one repeat. */
export interface FoldResult {
  /** 0-based repeat. */
  readonly repeat: number;
  /** 0-based fold within the repeat. */
  readonly fold: number;
  /** Indices (into the input) of the patients the model was fitted on. */
  readonly train: number[];
  /** Indices of the held-out patients the metrics are computed on. */
  readonly test: number[];
  /** Metrics on the held-out patients. */
  readonly metrics: BinaryMetrics;
}

/** The result of one repeat (one shuffle of the folds). */
export interface RepeatResult<P extends BagPrediction = BagPrediction> {
  /** 0-based repeat. */
  readonly repeat: number;
  /** Mean of each metric over the repeat's folds. */
  readonly metrics: BinaryMetrics;
  /**
   * The out-of-fold prediction of every patient (input order), each by the model that did not see it: the
   * probability and whatever else the model returns per patient (π, experts, count, attention, …).
   */
  readonly outOfFold: P;
}

/** The `detail` of {@link crossValidate}'s progress events. */
export interface CrossValidateProgressDetail {
  /** 0-based repeat of the fold in progress (or just done). */
  readonly repeat: number;
  /** 0-based fold. */
  readonly fold: number;
  /** The fold's metrics, in `'cross-validation'` events (one after every fold). */
  readonly metrics?: BinaryMetrics;
  /** In `'training'` events, the estimator's own details (e.g. the epoch's losses). */
  readonly [key: string]: unknown;
}

/** Options of {@link crossValidate}. */
export interface CrossValidateOptions {
  /** Number of folds K, an integer ≥ 2; each class needs at least K patients. Defaults to `5`. */
  readonly folds?: number;
  /** Number of repeats, each with its own shuffle of the folds, an integer ≥ 1. Defaults to `1`. */
  readonly repeats?: number;
  /**
   * Seed of everything random, an integer: repeat r's folds use `deriveSeed(seed, r)`, and the fit of fold k of
   * repeat r gets `deriveSeed(seed, r, k)`. Defaults to `0`.
   */
  readonly seed?: number;
  /** Probability threshold of the malignant class for balanced accuracy, sensitivity, specificity, in (0, 1). Defaults to `0.5`. */
  readonly threshold?: number;
  /**
   * Progress (listener's return value ignored): a `'cross-validation'` event after every fold (`done` folds of
   * folds × repeats, detail: repeat, fold, metrics), and the estimator's `'training'` events with repeat and fold
   * added to their detail. Defaults to none.
   */
  readonly onProgress?: ProgressListener<CrossValidateProgressDetail>;
  /** Aborts between and inside folds (when the estimator honours it): `crossValidate` rejects with the reason. Defaults to none. */
  readonly signal?: AbortSignal;
  /** Keep the fitted fold models (`models[repeat][fold]`; the caller disposes them). Defaults to `false`. */
  readonly keepModels?: boolean;
}

/** What {@link crossValidate} returns. */
export interface CrossValidationResult<P extends BagPrediction = BagPrediction, M extends FittedModel<P> = FittedModel<P>> {
  /** The estimator's name. */
  readonly estimator: string;
  /** Every fold of every repeat, repeat by repeat. */
  readonly folds: FoldResult[];
  /** One result per repeat: its mean metrics and its out-of-fold predictions. */
  readonly repeats: RepeatResult<P>[];
  /** Mean of each metric over all folds (equal to the mean of the per-repeat means). */
  readonly mean: BinaryMetrics;
  /** Sample sd (n − 1) of the per-repeat means, the spread over reshuffles; `NaN` with one repeat. */
  readonly sdOverRepeats: BinaryMetrics;
  /** Sample sd (n − 1) of each metric over all folds of all repeats. */
  readonly sdOverFolds: BinaryMetrics;
  /** The fitted models, `models[repeat][fold]`, when `keepModels`; else `null`. */
  readonly models: M[][] | null;
}

const FN = 'crossValidate';
const METRIC_KEYS = ['balancedAccuracy', 'auc', 'sensitivity', 'specificity'] as const;

function summarise(metrics: readonly BinaryMetrics[]): { mean: BinaryMetrics; sd: BinaryMetrics } {
  const mean = {} as Record<(typeof METRIC_KEYS)[number], number>;
  const sd = {} as Record<(typeof METRIC_KEYS)[number], number>;
  for (const key of METRIC_KEYS) {
    const values = metrics.map((m) => m[key]);
    const m = values.reduce((a, b) => a + b, 0) / values.length;
    mean[key] = m;
    sd[key] = values.length > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1)) : Number.NaN;
  }
  return { mean, sd };
}

/**
 * Repeated stratified K-fold cross-validation of any {@link Estimator} at the patient level: the one way the
 * library cross-validates (the mixture of experts, the logistic-regression baseline, a user's model).
 *
 * For each repeat, the patients are dealt into K stratified folds (a new shuffle per repeat); for each fold a fresh
 * model is fitted on the other folds (everything it fits, standardisation included, comes from those patients) and
 * predicts the held-out fold. Seeded: the same inputs and seed give the same folds, fits and metrics.
 *
 * @param estimator - What to fit, e.g. `mixtureOfExpertsEstimator(config)` or `logisticRegressionEstimator()`.
 * @param bags - Labelled patients (label 0 or 1); each class needs at least `folds` of them. Not modified.
 * @param options - See {@link CrossValidateOptions}.
 * @returns Per-fold and per-repeat metrics, mean ± sd (over repeats and over folds), the out-of-fold predictions of
 *   each repeat and, with `keepModels`, the models.
 * @throws {ArgumentError} naming `crossValidate` and the argument: an unlabelled patient, a class smaller than
 *   `folds`, an option out of range, a prediction of the wrong length. Rejects with the signal's reason when aborted;
 *   the models fitted so far are then disposed.
 * @example
 * ```ts
 * const bags = buildPatientBags(patients, { features: results });
 * const cv = await crossValidate(logisticRegressionEstimator(), bags, { folds: 5, repeats: 5, seed: 0 });
 * console.log(`${cv.mean.balancedAccuracy.toFixed(3)} ± ${cv.sdOverRepeats.balancedAccuracy.toFixed(3)}`);
 * ```
 */
export async function crossValidate<P extends BagPrediction, M extends FittedModel<P>>(
  estimator: Estimator<P, M>,
  bags: readonly PatientBag[],
  options: CrossValidateOptions = {},
): Promise<CrossValidationResult<P, M>> {
  if (typeof estimator !== 'object' || estimator === null) throw new ArgumentError(FN, 'estimator', 'an estimator { name, fit }', estimator);
  checkFunction(FN, 'estimator.fit', estimator.fit);
  checkOptions(FN, options);
  checkArray(FN, 'bags', bags, { minLength: 2 });
  const k = optionalInteger(FN, 'folds', options.folds, 5, { min: 2 });
  const repeats = optionalInteger(FN, 'repeats', options.repeats, 1, { min: 1 });
  const seed = optionalInteger(FN, 'seed', options.seed, 0);
  const threshold = optionalNumber(FN, 'threshold', options.threshold, 0.5, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  const keepModels = options.keepModels === undefined ? false : checkBoolean(FN, 'keepModels', options.keepModels);
  const unlabelled = bags.find((b) => b?.label !== 0 && b?.label !== 1);
  if (unlabelled !== undefined) throw new ArgumentError(FN, `the label of patient ${String(unlabelled?.id)}`, '0 or 1', unlabelled?.label);
  checkFiniteBags(FN, bags); // every matrix the patients have: a NaN would give NaN probabilities or a NaN loss
  const labels = bags.map((b) => b.label as 0 | 1);
  const negatives = labels.filter((l) => l === 0).length;
  const positives = labels.length - negatives;
  if (Math.min(negatives, positives) < k) {
    throw new ArgumentError(
      FN,
      'folds',
      `at most the patients of the smaller class: folds=${k} needs at least ${k} patients of each class, and there are ${positives} malignant and ${negatives} reactive`,
      k,
    );
  }
  options.signal?.throwIfAborted();
  const report = createProgressReporter<CrossValidateProgressDetail>('cross-validation', k * repeats, options.onProgress);
  const folds: FoldResult[] = [];
  const repeatResults: RepeatResult<P>[] = [];
  const models: M[][] = [];
  try {
    for (let repeat = 0; repeat < repeats; repeat++) {
      const splits = stratifiedKFold(labels, { nSplits: k, shuffle: true, seed: deriveSeed(seed, repeat) });
      const predictions: FoldPrediction<P>[] = [];
      const kept: M[] = [];
      if (keepModels) models.push(kept);
      for (const [fold, split] of splits.entries()) {
        options.signal?.throwIfAborted();
        const model = await estimator.fit(
          split.train.map((i) => bags[i] as PatientBag),
          {
            seed: deriveSeed(seed, repeat, fold),
            ...(options.signal === undefined ? {} : { signal: options.signal }),
            onProgress: (event) => options.onProgress?.({ ...event, detail: { ...event.detail, repeat, fold } }),
          },
        );
        let prediction: P;
        try {
          prediction = await model.predict(split.test.map((i) => bags[i] as PatientBag));
        } catch (error) {
          model.dispose();
          throw error;
        }
        if (keepModels) kept.push(model);
        else model.dispose();
        const probability = prediction?.probability;
        if (!(probability instanceof Float32Array) || probability.length !== split.test.length) {
          throw new ArgumentError(FN, `the prediction of estimator '${estimator.name}'`, `a probability Float32Array of ${split.test.length} (the held-out patients)`, probability);
        }
        predictions.push({ indices: split.test, prediction });
        const testLabels = split.test.map((i) => labels[i] as number);
        const metrics: BinaryMetrics = {
          balancedAccuracy: balancedAccuracy(testLabels, probability, { threshold }),
          auc: rocAuc(testLabels, probability),
          sensitivity: sensitivity(testLabels, probability, { threshold }),
          specificity: specificity(testLabels, probability, { threshold }),
        };
        folds.push({ repeat, fold, train: split.train, test: split.test, metrics });
        report(folds.length, { repeat, fold, metrics });
      }
      repeatResults.push({
        repeat,
        metrics: summarise(folds.filter((f) => f.repeat === repeat).map((f) => f.metrics)).mean,
        outOfFold: collectOutOfFold(predictions, bags.length),
      });
    }
  } catch (error) {
    for (const m of models.flat()) m.dispose();
    throw error;
  }
  const overFolds = summarise(folds.map((f) => f.metrics));
  const overRepeats = summarise(repeatResults.map((r) => r.metrics));
  return {
    estimator: estimator.name,
    folds,
    repeats: repeatResults,
    mean: overFolds.mean,
    sdOverRepeats: overRepeats.sd,
    sdOverFolds: overFolds.sd,
    models: keepModels ? models : null,
  };
}
