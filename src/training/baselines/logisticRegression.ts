import {
  ArgumentError,
  checkArray,
  checkBoolean,
  checkOneOf,
  checkOptions,
  optionalInteger,
  optionalNumber,
} from '../../core/index.js';
import { sigmoid, softplus } from '../linear/logistic.js';
import { halvingStep } from '../linear/halvingStep.js';
import { solveSpd } from '../linear/solveSpd.js';

const FN = 'fitLogisticRegression';

/** Options of {@link fitLogisticRegression}. */
export interface LogisticRegressionOptions {
  /**
   * Inverse L2 regularisation strength C > 0, as scikit-learn's `LogisticRegression(C=…)`: the objective is
   * ½‖w‖² + C·Σᵢ sᵢ·ℓ(yᵢ, xᵢ) with per-sample weights sᵢ; the intercept is not penalised. Defaults to 1.
   */
  c?: number;
  /**
   * `'balanced'` weighs each sample by n / (2·n_class), scikit-learn's `class_weight='balanced'` (the
   * balanced-accuracy-consistent choice); `'none'` weighs every sample 1. Defaults to `'balanced'`.
   */
  classWeight?: 'balanced' | 'none';
  /**
   * Standardise each column to zero mean and unit variance with statistics of the training rows (stored in the model
   * and applied by `predictProbability`); constant columns are centred only. Defaults to `true`.
   */
  standardize?: boolean;
  /** Maximum Newton iterations. Defaults to 100. */
  maxIterations?: number;
  /** Stop when the largest gradient component falls below this. Defaults to 1e-8. */
  tolerance?: number;
}

/** A fitted binary logistic regression (plain JavaScript numbers, no tensors). */
export interface LogisticRegressionModel {
  /** Weights [F] on the standardised columns. */
  readonly coefficients: Float64Array;
  /** Intercept (bias). */
  readonly intercept: number;
  /** Column means [F] subtracted before the weights (zeros without standardisation). */
  readonly mean: Float64Array;
  /** Column scales [F] dividing after centring (ones without standardisation). */
  readonly scale: Float64Array;
  /** Newton iterations used. */
  readonly iterations: number;
  /** Whether the gradient tolerance was reached within `maxIterations`. */
  readonly converged: boolean;
  /**
   * [S] the class-weighted log-loss per row (weights normalised, without the L2 penalty) on the training rows after
   * each Newton step taken. Only a fitted model has it (not one made from saved parameters).
   */
  readonly history?: { readonly train: readonly number[] };
  /**
   * Probability of class 1 for each row.
   * @param rows - [M][F] feature rows (the training columns, in order)
   * @returns [M] probabilities in (0, 1)
   * @throws {ArgumentError} naming the row and column of a value that is not finite (never a NaN probability)
   */
  predictProbability(rows: readonly ArrayLike<number>[]): Float64Array;
}

/**
 * Fits an L2-regularised binary logistic regression by Newton's method (with step halving), the classical baseline
 * for tabular inputs such as metadata + mean-aggregated handmade features. Matches scikit-learn's
 * `LogisticRegression(C, class_weight)` objective (lbfgs solver) up to the solver's tolerance.
 *
 * Shape key: M rows, F features. The objective is strictly convex (L2 on every weight, and the intercept's
 * direction is fixed by the data), so the optimum is unique.
 *
 * @param rows - [M][F] finite feature rows, M ≥ 2, every row of the same length F ≥ 1
 * @param labels - [M] labels 0 or 1, both classes present
 * @param options - see {@link LogisticRegressionOptions}
 * @returns the fitted model
 * @throws {ArgumentError} naming `fitLogisticRegression` and the option, row or label that is invalid
 * @example
 * const model = fitLogisticRegression([[0], [1], [2], [3]], [0, 0, 1, 1]);
 * model.predictProbability([[2.5]])[0]; // > 0.5
 */
export function fitLogisticRegression(
  rows: readonly ArrayLike<number>[],
  labels: ArrayLike<number>,
  options: LogisticRegressionOptions = {},
): LogisticRegressionModel {
  checkOptions(FN, options);
  const c = optionalNumber(FN, 'c', options.c, 1, { min: 0, minExclusive: true });
  const maxIterations = optionalInteger(FN, 'maxIterations', options.maxIterations, 100, { min: 1 });
  const tolerance = optionalNumber(FN, 'tolerance', options.tolerance, 1e-8, { min: 0 });
  const classWeight = checkOneOf(FN, 'classWeight', options.classWeight ?? 'balanced', ['balanced', 'none'] as const);
  const standardize = options.standardize === undefined ? true : checkBoolean(FN, 'standardize', options.standardize);
  checkArray(FN, 'rows', rows, { minLength: 2 });
  const m = rows.length;
  if (labels.length !== m) throw new ArgumentError(FN, 'labels', `one label per row (${m})`, labels);
  const f = rows[0]!.length;
  if (!(f >= 1)) throw new ArgumentError(FN, 'rows[0]', 'a row of at least 1 column', rows[0]);
  let positives = 0;
  for (let i = 0; i < m; i++) {
    const row = rows[i]!;
    if (row.length !== f) throw new ArgumentError(FN, `rows[${i}]`, `a row of ${f} columns (as row 0)`, row);
    for (let j = 0; j < f; j++) {
      if (!Number.isFinite(row[j])) throw new ArgumentError(FN, `rows[${i}][${j}]`, 'a finite number', row[j]);
    }
    const y = labels[i];
    if (y !== 0 && y !== 1) throw new ArgumentError(FN, `labels[${i}]`, '0 or 1', y);
    positives += y;
  }
  if (positives === 0 || positives === m) {
    throw new ArgumentError(FN, 'labels', 'both classes', `${positives} positives of ${m}`);
  }

  // Standardisation statistics of the training rows (population sd, as scikit-learn's StandardScaler).
  const mean = new Float64Array(f);
  const scale = new Float64Array(f).fill(1);
  if (standardize) {
    for (const row of rows) for (let j = 0; j < f; j++) mean[j]! += row[j]! / m;
    const sq = new Float64Array(f);
    for (const row of rows) for (let j = 0; j < f; j++) sq[j]! += (row[j]! - mean[j]!) ** 2 / m;
    for (let j = 0; j < f; j++) scale[j] = sq[j]! > 1e-24 ? Math.sqrt(sq[j]!) : 1;
  }
  // Design matrix with a leading column of ones (the intercept), row-major [M, F + 1].
  const n = f + 1;
  const x = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    x[i * n] = 1;
    for (let j = 0; j < f; j++) x[i * n + 1 + j] = (rows[i]![j]! - mean[j]!) / scale[j]!;
  }
  const weights = new Float64Array(m);
  const balanced = classWeight === 'balanced';
  for (let i = 0; i < m; i++) weights[i] = balanced ? m / (2 * (labels[i] === 1 ? positives : m - positives)) : 1;

  // Objective J(β) = ½‖β₁..‖² + C·Σ sᵢ·[softplus(zᵢ) − yᵢ·zᵢ], z = Xβ (the BCE from logits).
  const dataLoss = (beta: Float64Array): number => {
    let loss = 0;
    for (let i = 0; i < m; i++) {
      let z = 0;
      for (let k = 0; k < n; k++) z += x[i * n + k]! * beta[k]!;
      loss += weights[i]! * (softplus(z) - labels[i]! * z);
    }
    return loss;
  };
  const penalty = (beta: Float64Array): number => {
    let reg = 0;
    for (let k = 1; k < n; k++) reg += beta[k]! ** 2;
    return 0.5 * reg;
  };
  const objective = (beta: Float64Array): number => penalty(beta) + c * dataLoss(beta);
  let weightSum = 0;
  for (let i = 0; i < m; i++) weightSum += weights[i]!;
  const train: number[] = [];

  let beta = new Float64Array(n);
  let current = objective(beta);
  let iterations = 0;
  let converged = false;
  const grad = new Float64Array(n);
  const hess = new Float64Array(n * n);
  for (; iterations < maxIterations; iterations++) {
    grad.fill(0);
    hess.fill(0);
    for (let i = 0; i < m; i++) {
      let z = 0;
      for (let k = 0; k < n; k++) z += x[i * n + k]! * beta[k]!;
      const p = sigmoid(z);
      const g = c * weights[i]! * (p - labels[i]!); // ∂J/∂z
      const h = c * weights[i]! * p * (1 - p); // ∂²J/∂z²
      for (let a = 0; a < n; a++) {
        const xa = x[i * n + a]!;
        grad[a]! += g * xa;
        const hxa = h * xa;
        for (let b = 0; b <= a; b++) hess[a * n + b]! += hxa * x[i * n + b]!;
      }
    }
    for (let k = 1; k < n; k++) {
      grad[k]! += beta[k]!;
      hess[k * n + k]! += 1;
    }
    hess[0] = hess[0]! + 1e-12; // the intercept is unpenalised: keep the Cholesky well defined
    for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) hess[a * n + b] = hess[b * n + a]!;
    let maxGrad = 0;
    for (let k = 0; k < n; k++) maxGrad = Math.max(maxGrad, Math.abs(grad[k]!));
    if (maxGrad < tolerance) {
      converged = true;
      break;
    }
    const step = solveSpd(hess, grad, n, 'fitLogisticRegression: the Hessian is not positive definite (increase regularisation)');
    // Step halving until the objective decreases (Newton on a convex objective; rarely needed).
    const moved = halvingStep(beta, step, current, objective);
    if (moved === null) {
      converged = true; // no decrease possible at float64 precision
      break;
    }
    const { next, value } = moved;
    beta = next;
    current = value;
    train.push((value - penalty(beta)) / (c * weightSum)); // the data term of the objective just computed
  }

  const coefficients = beta.slice(1);
  const intercept = beta[0]!;
  return { ...logisticRegressionModel({ coefficients, intercept, mean, scale, iterations, converged }), history: { train } };
}

/** The numbers that make a {@link LogisticRegressionModel} (all of it but `predictProbability`): what a saved model holds. */
export type LogisticRegressionParameters = Omit<LogisticRegressionModel, 'predictProbability' | 'history'>;

/**
 * A logistic-regression model from its parameters (e.g. read back from JSON), predicting as the fitted one did.
 *
 * @param parameters - Coefficients, intercept, mean and scale of equal lengths F (scales non-zero), iterations, converged.
 * @returns The model.
 * @throws {ArgumentError} when the lengths differ or a value is not finite.
 * @example
 * ```ts
 * const copy = logisticRegressionModel({ ...fitted }); // predicts as `fitted`
 * ```
 */
export function logisticRegressionModel(parameters: LogisticRegressionParameters): LogisticRegressionModel {
  const { coefficients, intercept, mean, scale } = parameters;
  const f = coefficients.length;
  for (const [name, values] of [['mean', mean], ['scale', scale]] as const) {
    if (values.length !== f) throw new ArgumentError('logisticRegressionModel', `parameters.${name}`, `${f} values (as the coefficients)`, values);
  }
  for (const [name, values] of [['coefficients', coefficients], ['mean', mean], ['scale', scale], ['intercept', [intercept]]] as const) {
    const bad = Array.from(values).findIndex((v) => !Number.isFinite(v) || (name === 'scale' && v === 0));
    if (bad >= 0) throw new ArgumentError('logisticRegressionModel', `parameters.${name}[${bad}]`, name === 'scale' ? 'a finite non-zero number' : 'a finite number', values[bad]);
  }
  return {
    ...parameters,
    predictProbability(predictRows: readonly ArrayLike<number>[]): Float64Array {
      const out = new Float64Array(predictRows.length);
      for (const [i, row] of predictRows.entries()) {
        if (row.length !== f) {
          throw new ArgumentError('LogisticRegressionModel.predictProbability', `rows[${i}]`, `a row of ${f} columns (as the training rows)`, row);
        }
        let z = intercept;
        for (let j = 0; j < f; j++) {
          const v = row[j];
          if (!Number.isFinite(v)) throw new ArgumentError('LogisticRegressionModel.predictProbability', `rows[${i}][${j}]`, 'a finite number', v);
          z += coefficients[j]! * ((v! - mean[j]!) / scale[j]!);
        }
        out[i] = sigmoid(z);
      }
      return out;
    },
  };
}
