import { ArgumentError } from '../core/index.js';
import type { CrossValidationResult, LossCurve } from '../training/index.js';
import type { CvGallery } from './cellGallery.js';

/** A fitted model's loss curve, as saved (see `LossCurve`; a value JSON cannot hold is `null`). */
export interface CvLossCurve {
  /** What the curve follows, e.g. `'member 0'` or `'gbdt(100, depth 3, η 0.1): final'`. */
  readonly name: string;
  /** What a step is: `'epoch'`, `'boosting round'`, `'Newton iteration'`. */
  readonly unit: string;
  /** What the loss is, in words. */
  readonly loss: string;
  /** [S] training loss after each step. */
  readonly train: (number | null)[];
  /** [S] validation loss after each step, `null` without validation data. */
  readonly validation: (number | null)[] | null;
}

/** One fold's metrics, as saved (a metric JSON could not hold, e.g. the AUC of a one-class fold, is `null`). */
export interface CvReportFold {
  /** 0-based repeat. */
  readonly repeat: number;
  /** 0-based fold within the repeat. */
  readonly fold: number;
  /** Held-out patients. */
  readonly test: number;
  readonly balancedAccuracy: number | null;
  readonly auc: number | null;
  readonly sensitivity: number | null;
  readonly specificity: number | null;
  /** The fold model's loss curves, when the estimator records them. */
  readonly history?: CvLossCurve[];
}

/** The out-of-fold predictions of one repeat, per patient in the order of {@link CvOutOfFold.patients}. */
export interface CvOutOfFoldRepeat {
  /** 0-based repeat. */
  readonly repeat: number;
  /** The 0-based fold each patient was held out in. */
  readonly fold: number[];
  /** Probability of malignant lymphocytosis (`null` where not a number). */
  readonly probability: (number | null)[];
  /** The gate's π of the image expert, `null` when the model has no gate. */
  readonly gate: (number | null)[] | null;
  /** Each expert's probability alone, by expert name, `null` when the model has no experts. */
  readonly experts: Record<string, (number | null)[]> | null;
  /** The multitask head's predicted lymphocyte count (10⁹/L), `null` without the head. */
  readonly lymphCount: (number | null)[] | null;
}

/** Every patient's out-of-fold predictions, repeat by repeat, with the truth. */
export interface CvOutOfFold {
  /** Patient ids. */
  readonly patients: string[];
  /** True labels (1 malignant, 0 reactive). */
  readonly labels: (0 | 1)[];
  /** True lymphocyte counts (10⁹/L), `null` where unknown. */
  readonly lymphCount: (number | null)[];
  /** One entry per repeat. */
  readonly repeats: CvOutOfFoldRepeat[];
}

/** The machine a run used. */
export interface CvReportHardware {
  /** e.g. `'linux'`. */
  readonly platform: string;
  /** e.g. `'x64'`. */
  readonly arch: string;
  /** The CPU's model name. */
  readonly cpu: string;
  /** Logical cores. */
  readonly cores: number;
  /** Total memory, GiB. */
  readonly memoryGiB: number;
  /** e.g. `'v20.20.2'`. */
  readonly node: string;
  /** The tfjs backend, when known. */
  readonly backend?: string;
}

/**
 * What {@link htmlReport} draws: the `cv-summary.json` that `lymphomix cv` writes (plain JSON). Only the metrics are
 * required; each plot needs its part (ROC and confusion matrix: `outOfFold`; π: its `gate`; counts: its `lymphCount`
 * and the true counts; experts: its `experts`).
 */
export interface CvReportData {
  /** The estimator's name. */
  readonly estimator: string;
  /** Patients evaluated. */
  readonly patients: number;
  readonly folds: number;
  readonly repeats: number;
  readonly seed?: number;
  /** Wall-clock seconds of the whole cross-validation. */
  readonly seconds?: number;
  /** The data folder. */
  readonly data?: string;
  /** The pipeline configuration (shown as JSON); its `threshold` is the confusion matrix's. */
  readonly config?: { readonly threshold?: number; readonly [key: string]: unknown };
  readonly hardware?: CvReportHardware;
  /** Mean of each metric over all folds. */
  readonly mean: Readonly<Record<string, number | null>>;
  readonly sdOverRepeats?: Readonly<Record<string, number | null>>;
  readonly sdOverFolds?: Readonly<Record<string, number | null>>;
  readonly perFold: readonly CvReportFold[];
  readonly outOfFold?: CvOutOfFold;
  /** Segmented cells of the highest and lowest weight of a few patients (see `cellGallery`), when the model weighs images. */
  readonly gallery?: CvGallery;
}

/** The truth of the patients {@link cvOutOfFold} saves. */
export interface CvOutOfFoldTruth {
  /** Patient ids, in the order of the cross-validated bags. */
  readonly patients: readonly string[];
  /** True labels, same order. */
  readonly labels: readonly number[];
  /** True lymphocyte counts, same order (`null`/`undefined`: unknown). Defaults to all unknown. */
  readonly lymphCount?: readonly (number | null | undefined)[];
}

/** A float32 value as a short JSON number (6 significant digits), `null` when not finite. */
function json(v: number | undefined): number | null {
  return v === undefined || !Number.isFinite(v) ? null : Number(v.toPrecision(6));
}

function jsonArray(values: ArrayLike<number> | null | undefined): (number | null)[] | null {
  return values === null || values === undefined ? null : Array.from(values, json);
}

/**
 * The per-fold part of {@link CvReportData} from `crossValidate`'s result: each fold's metrics, held-out patients and,
 * when the model recorded them, its loss curves (values to 6 significant digits), as plain JSON.
 *
 * @param result - What `crossValidate` (or `LymphocytosisPipeline.crossValidate`'s `result`) returned.
 * @returns One entry per fold of every repeat.
 * @example
 * ```ts
 * const perFold = cvPerFold(cv.result);
 * ```
 */
export function cvPerFold(result: CrossValidationResult): CvReportFold[] {
  const curve = (c: LossCurve): CvLossCurve => ({
    name: c.name,
    unit: c.unit,
    loss: c.loss,
    train: Array.from(c.train, json),
    validation: c.validation === null ? null : Array.from(c.validation, json),
  });
  return result.folds.map((f) => ({
    repeat: f.repeat,
    fold: f.fold,
    test: f.test.length,
    ...f.metrics,
    ...(f.history === undefined ? {} : { history: f.history.map(curve) }),
  }));
}

/**
 * The out-of-fold part of {@link CvReportData}, from `crossValidate`'s result: for each repeat, each patient's fold,
 * probability and whatever else the model said (π, each expert, the predicted count), as plain JSON.
 *
 * @param result - What `crossValidate` (or `LymphocytosisPipeline.crossValidate`'s `result`) returned.
 * @param truth - The patients' ids, labels and true counts, in the order of the cross-validated bags.
 * @returns Plain JSON, ready for `JSON.stringify` and {@link htmlReport}.
 * @throws {ArgumentError} naming `cvOutOfFold` when the truth's length differs from the predictions'.
 * @example
 * ```ts
 * const cv = await pipeline.crossValidate(patients);
 * const outOfFold = cvOutOfFold(cv.result, { patients: cv.patients, labels, lymphCount });
 * ```
 */
export function cvOutOfFold(result: CrossValidationResult, truth: CvOutOfFoldTruth): CvOutOfFold {
  const n = truth.patients.length;
  if (truth.labels.length !== n) throw new ArgumentError('cvOutOfFold', 'truth.labels', `one label per patient (${n})`, truth.labels);
  if (truth.lymphCount !== undefined && truth.lymphCount.length !== n) {
    throw new ArgumentError('cvOutOfFold', 'truth.lymphCount', `one count per patient (${n})`, truth.lymphCount);
  }
  const repeats = result.repeats.map((r): CvOutOfFoldRepeat => {
    if (r.outOfFold.probability.length !== n) {
      throw new ArgumentError('cvOutOfFold', `result.repeats[${r.repeat}].outOfFold.probability`, `one probability per patient (${n})`, r.outOfFold.probability);
    }
    const fold = new Array<number>(n).fill(-1);
    for (const f of result.folds) if (f.repeat === r.repeat) for (const i of f.test) fold[i] = f.fold;
    const experts = Object.entries(r.outOfFold.experts ?? {}).filter((e): e is [string, Float32Array] => e[1] !== null);
    return {
      repeat: r.repeat,
      fold,
      probability: Array.from(r.outOfFold.probability, json),
      gate: jsonArray(r.outOfFold.gate),
      experts: experts.length === 0 ? null : Object.fromEntries(experts.map(([name, v]) => [name, Array.from(v, json)])),
      lymphCount: jsonArray(r.outOfFold.lymphCount),
    };
  });
  return {
    patients: [...truth.patients],
    labels: truth.labels.map((l) => (l === 1 ? 1 : 0)),
    lymphCount: truth.patients.map((_, i) => (typeof truth.lymphCount?.[i] === 'number' ? json(truth.lymphCount[i]) : null)),
    repeats,
  };
}
