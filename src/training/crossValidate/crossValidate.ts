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
import { sha256Hex } from '../../io/bytes/sha256Hex.js';
import { stableStringify } from '../../io/cache/contentCache.js';
import { checkFiniteBags, type PatientBag } from '../../models/index.js';
import { LIBRARY_VERSION } from '../../version.js';
import type { BagPrediction, Estimator, FittedModel, LossCurve } from '../estimator/index.js';
import { balancedAccuracy, rocAuc, sensitivity, specificity } from '../metrics/index.js';
import { stratifiedKFold } from '../splits/index.js';
import { decodeCheckpointJson, encodeCheckpointJson } from './checkpointJson.js';
import type { CheckpointStore } from './checkpointStore.js';
import { collectOutOfFold, type FoldPrediction } from './collectOutOfFold.js';
import { hashPatientBags } from './hashPatientBags.js';

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
  /** The fitted model's loss curves (see `FittedModel.history`), when it recorded them. */
  readonly history?: readonly LossCurve[];
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
  /** In `'cross-validation'` events, with a checkpoint: whether the fold was read back instead of fitted. */
  readonly restored?: boolean;
  /** In `'training'` events, the estimator's own details (e.g. the epoch's losses). */
  readonly [key: string]: unknown;
}

/**
 * The `checkpoint` option of {@link crossValidate}: where each finished fold is kept, and what else determines it.
 *
 * A fold's entry is keyed by the SHA-256 of everything that determines its result: `context`, the estimator's name,
 * the library version, the patients (ids, labels, age, count and the exact bytes of every matrix:
 * {@link hashPatientBags}), `seed`, `folds`, the repeat and the fold index (not `repeats`: adding repeats reuses the
 * first ones). It holds the fold's held-out indices and the model's prediction of them, bit-exact (metrics are
 * recomputed from it, so `threshold` may change). On a rerun each fold is read back instead of fitted when its entry is
 * valid; an entry that cannot be read, or whose key, indices or prediction do not match (a probability of the wrong
 * length, outside [0, 1]), is counted in {@link CheckpointReport.invalid}, recomputed and replaced, never served.
 */
export interface CrossValidateCheckpoint {
  /** The store, e.g. `openFolderCheckpointStore('<out>/checkpoints')` or `memoryCheckpointStore()`. */
  readonly store: CheckpointStore;
  /**
   * Everything else the folds depend on that `crossValidate` cannot see, as JSON (compared with sorted keys): the
   * estimator's configuration above all (two estimators of one name with other options must differ here). Defaults to
   * `null`.
   */
  readonly context?: unknown;
}

/** What a checkpointed {@link crossValidate} did with its store. */
export interface CheckpointReport {
  /** Where the entries are (the store's `location`). */
  readonly location: string;
  /** Folds read back instead of fitted. */
  readonly restored: number;
  /** Folds fitted. */
  readonly computed: number;
  /** Entries found but not served (unreadable, another key, indices or prediction that do not match): recomputed. */
  readonly invalid: number;
  /** Entries written. */
  readonly written: number;
  /**
   * Set when an entry could not be written (a full disk, a read-only folder) or a prediction has no JSON form: the
   * first such message. The run went on without checkpointing (its result is complete); said once, here and with
   * `console.warn`.
   */
  readonly warning: string | null;
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
  /**
   * Keep the fitted fold models (`models[repeat][fold]`; the caller disposes them). Not with `checkpoint` (a fold read
   * back has no model). Defaults to `false`.
   */
  readonly keepModels?: boolean;
  /**
   * Make the run resumable: each finished fold is written to a store and, on a rerun with the same inputs, read back
   * instead of fitted (see {@link CrossValidateCheckpoint}). A restored fold gives the same metrics and out-of-fold
   * values as the fit it came from. Defaults to none.
   */
  readonly checkpoint?: CrossValidateCheckpoint;
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
  /** What the checkpoint store gave and took; present only with the `checkpoint` option. */
  readonly checkpoint?: CheckpointReport;
}

const FN = 'crossValidate';
/** Version of the layout of a checkpoint entry; entries of another layout are recomputed. */
export const CROSS_VALIDATE_CHECKPOINT_FORMAT = 1;
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

function foldMetrics(labels: readonly number[], probability: Float32Array, threshold: number): BinaryMetrics {
  return {
    balancedAccuracy: balancedAccuracy(labels, probability, { threshold }),
    auc: rocAuc(labels, probability),
    sensitivity: sensitivity(labels, probability, { threshold }),
    specificity: specificity(labels, probability, { threshold }),
  };
}

function isFloat32Of(value: unknown, n: number): boolean {
  return value instanceof Float32Array && value.length === n;
}

/**
 * The prediction of a checkpoint entry when the entry is this fold's and well formed, else `undefined`: the same key,
 * repeat, fold and held-out indices; a probability of one finite value in [0, 1] per held-out patient; every other
 * per-patient field (gate, count, each expert, attention) of that length or `null`.
 */
function restoredPrediction(entry: unknown, key: string, repeat: number, fold: number, test: readonly number[]): BagPrediction | undefined {
  if (entry === null || typeof entry !== 'object') return undefined;
  const e = entry as Record<string, unknown>;
  if (e.format !== CROSS_VALIDATE_CHECKPOINT_FORMAT || e.key !== key || e.repeat !== repeat || e.fold !== fold) return undefined;
  if (!Array.isArray(e.test) || e.test.length !== test.length || e.test.some((v, i) => v !== test[i])) return undefined;
  const p = decodeCheckpointJson(e.prediction) as Record<string, unknown> | undefined;
  if (p === undefined || p === null || typeof p !== 'object') return undefined;
  const n = test.length;
  const probability = p.probability;
  if (!isFloat32Of(probability, n) || !(probability as Float32Array).every((v) => v >= 0 && v <= 1)) return undefined;
  for (const field of ['gate', 'lymphCount']) if (p[field] !== undefined && p[field] !== null && !isFloat32Of(p[field], n)) return undefined;
  for (const field of ['experts', 'attention']) {
    const record = p[field];
    if (record === undefined || record === null) continue;
    if (typeof record !== 'object') return undefined;
    for (const v of Object.values(record as Record<string, unknown>)) {
      if (v === null) continue;
      if (field === 'experts' ? !isFloat32Of(v, n) : !(Array.isArray(v) && v.length === n && v.every((a) => a instanceof Float32Array))) return undefined;
    }
  }
  return p as unknown as BagPrediction;
}

function checkCheckpoint(value: unknown): CrossValidateCheckpoint {
  const c = value as CrossValidateCheckpoint | null;
  if (c === null || typeof c !== 'object' || c.store === null || typeof c.store !== 'object') {
    throw new ArgumentError(FN, 'checkpoint', 'an object { store, context? } with a CheckpointStore', value);
  }
  checkFunction(FN, 'checkpoint.store.read', c.store.read);
  checkFunction(FN, 'checkpoint.store.write', c.store.write);
  try {
    stableStringify(c.context ?? null);
  } catch {
    throw new ArgumentError(FN, 'checkpoint.context', 'JSON-serialisable', c.context);
  }
  return c;
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
  const checkpoint = options.checkpoint === undefined ? undefined : checkCheckpoint(options.checkpoint);
  if (checkpoint !== undefined && keepModels) throw new ArgumentError(FN, 'keepModels', 'false with checkpoint (a fold read back has no model)', keepModels);
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
  const stats = { restored: 0, computed: 0, invalid: 0, written: 0 };
  let warning: string | null = null;
  const warnOnce = (message: string): void => {
    if (warning !== null) return;
    warning = `${FN}: ${message.slice(0, 300)}; the run went on without checkpointing its folds`;
    console.warn(warning);
  };
  // Everything a fold's result depends on besides its repeat and index (see CrossValidateCheckpoint).
  const keyBase =
    checkpoint === undefined
      ? undefined
      : {
          format: CROSS_VALIDATE_CHECKPOINT_FORMAT,
          library: LIBRARY_VERSION,
          estimator: estimator.name,
          context: checkpoint.context ?? null,
          patients: await hashPatientBags(bags),
          seed,
          folds: k,
        };
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
        let key: string | undefined;
        let restored: P | undefined;
        let restoredHistory: unknown;
        if (checkpoint !== undefined && keyBase !== undefined) {
          key = await sha256Hex(new TextEncoder().encode(stableStringify({ ...keyBase, repeat, fold })));
          let entry: unknown;
          try {
            entry = await checkpoint.store.read(key);
          } catch {
            entry = null; // unreadable: counted below, recomputed and replaced
          }
          if (entry !== undefined) {
            restored = restoredPrediction(entry, key, repeat, fold, split.test) as P | undefined;
            if (restored === undefined) stats.invalid++;
            else restoredHistory = decodeCheckpointJson((entry as { history?: unknown }).history ?? null);
          }
        }
        if (restored !== undefined) {
          stats.restored++;
          const probability = restored.probability;
          predictions.push({ indices: split.test, prediction: restored });
          const testLabels = split.test.map((i) => labels[i] as number);
          const metrics = foldMetrics(testLabels, probability, threshold);
          folds.push({ repeat, fold, train: split.train, test: split.test, metrics, ...(Array.isArray(restoredHistory) ? { history: restoredHistory as LossCurve[] } : {}) });
          report(folds.length, { repeat, fold, metrics, restored: true });
          continue;
        }
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
        const history = (model as { history?: unknown }).history;
        if (keepModels) kept.push(model);
        else model.dispose();
        const probability = prediction?.probability;
        if (!(probability instanceof Float32Array) || probability.length !== split.test.length) {
          throw new ArgumentError(FN, `the prediction of estimator '${estimator.name}'`, `a probability Float32Array of ${split.test.length} (the held-out patients)`, probability);
        }
        stats.computed++;
        if (checkpoint !== undefined && key !== undefined && warning === null) {
          const encoded = encodeCheckpointJson(prediction);
          if (encoded === undefined) warnOnce(`the prediction of estimator '${estimator.name}' has no JSON form (a field that is not numbers, typed arrays, arrays or plain objects)`);
          else {
            const encodedHistory = history === undefined ? undefined : encodeCheckpointJson(history);
            const entry = {
              format: CROSS_VALIDATE_CHECKPOINT_FORMAT,
              key,
              repeat,
              fold,
              estimator: estimator.name,
              seed: deriveSeed(seed, repeat, fold),
              test: split.test,
              prediction: encoded,
              ...(encodedHistory === undefined ? {} : { history: encodedHistory }),
            };
            try {
              await checkpoint.store.write(key, entry);
              stats.written++;
            } catch (error) {
              warnOnce(`the checkpoint could not be written in ${String(checkpoint.store.location)} (${error instanceof Error ? error.message : String(error)})`);
            }
          }
        }
        predictions.push({ indices: split.test, prediction });
        const testLabels = split.test.map((i) => labels[i] as number);
        const metrics = foldMetrics(testLabels, probability, threshold);
        folds.push({ repeat, fold, train: split.train, test: split.test, metrics, ...(Array.isArray(history) ? { history: history as LossCurve[] } : {}) });
        report(folds.length, { repeat, fold, metrics, ...(checkpoint === undefined ? {} : { restored: false }) });
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
    ...(checkpoint === undefined ? {} : { checkpoint: { location: String(checkpoint.store.location), ...stats, warning } }),
  };
}
