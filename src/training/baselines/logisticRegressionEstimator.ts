import { ArgumentError, checkArray, checkOptions } from '../../core/index.js';
import { checkFiniteBags, type PatientBag } from '../../models/index.js';
import type { BagPrediction, Estimator, FittedModel, LossCurve } from '../estimator/index.js';
import { fitLogisticRegression, type LogisticRegressionModel, type LogisticRegressionOptions } from './logisticRegression.js';

/** The inputs of the {@link logisticRegressionEstimator}'s rows. */
export type LogisticRegressionInput = 'handmade' | 'metadata';

/** Options of {@link logisticRegressionEstimator}: those of `fitLogisticRegression`, plus the inputs. */
export interface LogisticRegressionEstimatorOptions extends LogisticRegressionOptions {
  /**
   * What each patient's row holds, in this order: `'handmade'` the per-patient mean of the handmade features (each
   * bag's `handmade` [M, F]), `'metadata'` age and log(1 + lymphocyte count). Defaults to `['handmade', 'metadata']`.
   */
  readonly inputs?: readonly LogisticRegressionInput[];
}

/** A fitted {@link logisticRegressionEstimator}: predicts probabilities; `regression` holds the coefficients. */
export interface FittedLogisticRegression extends FittedModel<BagPrediction> {
  /** The fitted regression on the rows {@link patientRows} builds. */
  readonly regression: LogisticRegressionModel;
  /** What each row holds (see {@link LogisticRegressionEstimatorOptions.inputs}). */
  readonly inputs: readonly LogisticRegressionInput[];
}

/**
 * The fitted model of a {@link logisticRegressionEstimator} from its regression and inputs (e.g. restored with
 * `logisticRegressionModel` from saved parameters).
 *
 * @param regression - The regression on the rows of `inputs`.
 * @param inputs - What each row holds.
 * @returns The model, predicting bags; its `history` is the regression's loss curve when it was fitted (not restored).
 */
export function fittedLogisticRegression(regression: LogisticRegressionModel, inputs: readonly LogisticRegressionInput[]): FittedLogisticRegression {
  const curve: LossCurve | undefined =
    regression.history === undefined
      ? undefined
      : { name: 'logistic regression', unit: 'Newton iteration', loss: 'class-weighted log-loss per patient', train: [...regression.history.train], validation: null };
  return {
    regression,
    inputs: [...inputs],
    ...(curve === undefined ? {} : { history: [curve] }),
    async predict(test: readonly PatientBag[]): Promise<BagPrediction> {
      return { probability: Float32Array.from(regression.predictProbability(patientRows(test, inputs, 'FittedLogisticRegression.predict'))) };
    },
    dispose(): void {},
  };
}

const FN = 'logisticRegressionEstimator';

/**
 * The rows of the logistic-regression baseline: per patient, the mean of each handmade feature over its images
 * (when `'handmade'` is an input), then age and log(1 + count) (when `'metadata'` is).
 *
 * @param bags - Patients (with `handmade` when it is an input).
 * @param inputs - See {@link LogisticRegressionEstimatorOptions.inputs}.
 * @param fn - The public function named in errors. Defaults to `'logisticRegressionEstimator'`.
 * @returns [B][F + 2] rows.
 * @throws {ArgumentError} naming the patient without handmade features, or the patient and field of a non-finite value.
 */
export function patientRows(
  bags: readonly PatientBag[],
  inputs: readonly LogisticRegressionInput[] = ['handmade', 'metadata'],
  fn: string = FN,
): number[][] {
  checkFiniteBags(fn, bags, { images: false, handmade: inputs.includes('handmade') });
  return bags.map((b) => {
    const row: number[] = [];
    if (inputs.includes('handmade')) {
      const h = b.handmade;
      if (h === undefined || h.rows < 1) throw new ArgumentError(fn, `patient ${b.id}`, "handmade features (the 'handmade' input)", h);
      const mean = new Array<number>(h.cols).fill(0);
      for (let r = 0; r < h.rows; r++) for (let c = 0; c < h.cols; c++) mean[c] = (mean[c] as number) + (h.data[r * h.cols + c] as number) / h.rows;
      row.push(...mean);
    }
    if (inputs.includes('metadata')) row.push(b.age, Math.log1p(b.lymphCount));
    return row;
  });
}

/**
 * The logistic-regression baseline as an {@link Estimator}: per patient, the mean of the handmade features, age and
 * log(1 + count) ({@link patientRows}), standardised and class-weighted on the training patients, L2-regularised
 * with inverse strength C (`fitLogisticRegression`, scikit-learn's `LogisticRegression(C, class_weight='balanced')`).
 * Deterministic: the fit's seed is not used.
 *
 * @param options - See {@link LogisticRegressionEstimatorOptions}.
 * @returns The estimator, e.g. for `crossValidate`.
 * @example
 * ```ts
 * const cv = await crossValidate(logisticRegressionEstimator({ c: 1 }), bags, { folds: 5, repeats: 5 });
 * ```
 */
export function logisticRegressionEstimator(options: LogisticRegressionEstimatorOptions = {}): Estimator<BagPrediction, FittedLogisticRegression> {
  checkOptions(FN, options);
  const { inputs = ['handmade', 'metadata'], ...fitOptions } = options;
  checkArray(FN, 'inputs', inputs, {
    minLength: 1,
    each: (input, i) => {
      if (input !== 'handmade' && input !== 'metadata') throw new ArgumentError(FN, `inputs[${i}]`, "'handmade' or 'metadata'", input);
    },
  });
  return {
    name: 'logistic-regression',
    async fit(bags: readonly PatientBag[]): Promise<FittedLogisticRegression> {
      return fittedLogisticRegression(fitLogisticRegression(patientRows(bags, inputs), bags.map((b) => b.label as number), fitOptions), inputs);
    },
  };
}
