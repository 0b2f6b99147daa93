import { ArgumentError, optionalInteger, optionalNumber } from '../../core/index.js';
import { sigmoid, softplus } from '../linear/logistic.js';
import { halvingStep } from '../linear/halvingStep.js';
import { solveSpd } from '../linear/solveSpd.js';
import type { CellMatrix } from './cellMatrix.js';
import { checkInstanceInputs } from './checkInstanceInputs.js';
import { checkInstanceValidation } from './checkInstanceValidation.js';
import type { InstanceFitHistory, InstanceLearner, InstanceScorer, InstanceValidation } from './instanceLearner.js';
import { weightedLogLoss } from './weightedLogLoss.js';

/** Options of {@link fitWeightedLogistic}. */
export interface WeightedLogisticOptions {
  /**
   * Inverse L2 strength C > 0: the objective is ½‖w‖² + C·Σᵢ sᵢ·ℓ(yᵢ, xᵢ) on standardised columns, with the
   * per-sample weights sᵢ; the intercept is not penalised (scikit-learn's `LogisticRegression(C)` with
   * `sample_weight`). Defaults to 1.
   */
  readonly c?: number;
  /** Maximum Newton iterations. Defaults to 50. */
  readonly maxIterations?: number;
  /** Stop when the largest gradient component falls below this. Defaults to 1e-7. */
  readonly tolerance?: number;
  /**
   * Held-out cells whose weighted log-loss is recorded after every Newton iteration in the model's `history`
   * (never trained on). Defaults to none (`history.validation` is `null`).
   */
  readonly validation?: InstanceValidation;
}

/** A fitted weighted logistic regression: the scorer plus its parameters. */
export interface WeightedLogisticModel extends InstanceScorer {
  /** [F] weights on the standardised columns. */
  readonly coefficients: Float64Array;
  /** Intercept. */
  readonly intercept: number;
  /** [F] weighted column means of the training rows. */
  readonly mean: Float64Array;
  /** [F] weighted column population sds (1 for constant columns). */
  readonly scale: Float64Array;
  /** Newton iterations used. */
  readonly iterations: number;
  /**
   * After each Newton iteration, the weighted log-loss per cell (weights normalised, without the L2 penalty) on the
   * training cells and on `options.validation`. Only a fitted model has it.
   */
  readonly history?: InstanceFitHistory;
}

/**
 * Fits an L2-regularised binary logistic regression with per-sample weights by Newton's method (step halving),
 * on columns standardised with weighted statistics (so a weight of 2 is exactly the row repeated, and 0 the row
 * removed). The project's `fitLogisticRegression` takes only class weights; the per-cell expert
 * needs a weight per cell (every patient counts equally), hence this variant. Plain JavaScript, no tensors.
 *
 * Shape key: n rows, F columns. Cost per iteration O(n·F²).
 *
 * @param cells - [n, F] finite rows, n ≥ 2
 * @param labels - [n] 0 or 1, both classes present
 * @param weights - [n] finite weights ≥ 0, some positive
 * @param options - see {@link WeightedLogisticOptions}
 * @returns the fitted model; `score` gives logits
 * @throws {ArgumentError} naming `fitWeightedLogistic` and the argument (row, label or weight) that is invalid
 * @example
 * const model = fitWeightedLogistic({ data: Float32Array.of(0, 1, 2, 3), rows: 4, cols: 1 }, Uint8Array.of(0, 0, 1, 1), new Float64Array(4).fill(1));
 * model.score({ data: Float32Array.of(2.5), rows: 1, cols: 1 })[0]; // > 0
 */
export function fitWeightedLogistic(
  cells: CellMatrix,
  labels: ArrayLike<number>,
  weights: ArrayLike<number>,
  options: WeightedLogisticOptions = {},
): WeightedLogisticModel {
  const fn = 'fitWeightedLogistic';
  const c = optionalNumber(fn, 'options.c', options.c, 1, { min: 0, minExclusive: true });
  const maxIterations = optionalInteger(fn, 'options.maxIterations', options.maxIterations, 50, { min: 1 });
  const tolerance = optionalNumber(fn, 'options.tolerance', options.tolerance, 1e-7, { min: 0 });
  const { rows: m, cols: f, data } = cells;
  checkInstanceInputs(fn, cells, labels, weights);

  const validation = checkInstanceValidation(fn, options.validation, f);
  const mean = new Float64Array(f);
  const scale = new Float64Array(f);
  // Weighted statistics (as StandardScaler with sample_weight): a weight of 2 is the row repeated, 0 the row removed.
  let weightSum = 0;
  for (let i = 0; i < m; i++) weightSum += weights[i]!;
  for (let i = 0; i < m; i++) for (let j = 0; j < f; j++) mean[j]! += weights[i]! * data[i * f + j]!;
  for (let j = 0; j < f; j++) mean[j]! /= weightSum;
  for (let i = 0; i < m; i++) for (let j = 0; j < f; j++) scale[j]! += weights[i]! * (data[i * f + j]! - mean[j]!) ** 2;
  for (let j = 0; j < f; j++) scale[j] = scale[j]! / weightSum > 1e-24 ? Math.sqrt(scale[j]! / weightSum) : 1;

  const n = f + 1;
  const x = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    x[i * n] = 1;
    for (let j = 0; j < f; j++) x[i * n + 1 + j] = (data[i * f + j]! - mean[j]!) / scale[j]!;
  }
  const z = new Float64Array(m);
  const objective = (beta: Float64Array): number => {
    let loss = 0;
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += x[i * n + k]! * beta[k]!;
      z[i] = s;
      loss += weights[i]! * (softplus(s) - labels[i]! * s);
    }
    let reg = 0;
    for (let k = 1; k < n; k++) reg += beta[k]! ** 2;
    return 0.5 * reg + c * loss;
  };
  let beta: Float64Array = new Float64Array(n);
  let current = objective(beta);
  const grad = new Float64Array(n);
  const hess = new Float64Array(n * n);
  let iterations = 0;
  const trainLoss: number[] = [];
  const validationLoss: number[] = [];
  for (; iterations < maxIterations; iterations++) {
    grad.fill(0);
    hess.fill(0);
    objective(beta); // refreshes z for the current beta
    for (let i = 0; i < m; i++) {
      const p = sigmoid(z[i]!);
      const g = c * weights[i]! * (p - labels[i]!);
      const h = c * weights[i]! * p * (1 - p);
      const base = i * n;
      for (let a = 0; a < n; a++) {
        const xa = x[base + a]!;
        grad[a]! += g * xa;
        const hxa = h * xa;
        const row = a * n;
        for (let b = 0; b <= a; b++) hess[row + b]! += hxa * x[base + b]!;
      }
    }
    for (let k = 1; k < n; k++) {
      grad[k]! += beta[k]!;
      hess[k * n + k]! += 1;
    }
    hess[0] = hess[0]! + 1e-12;
    let maxGrad = 0;
    for (let k = 0; k < n; k++) maxGrad = Math.max(maxGrad, Math.abs(grad[k]!));
    if (maxGrad < tolerance) break;
    const step = solveSpd(hess, grad, n, 'fitWeightedLogistic: the Hessian is not positive definite (decrease c)');
    const moved = halvingStep(beta, step, current, objective);
    if (moved === null) break;
    const { next, value } = moved;
    const improvement = current - value;
    beta = next;
    current = value;
    objective(beta); // z of the new iterate
    trainLoss.push(weightedLogLoss(z, labels, weights));
    if (validation !== undefined) {
      const scorer = weightedLogisticScorer(beta.slice(1), beta[0]!, mean, scale);
      validationLoss.push(weightedLogLoss(scorer.score(validation.cells), validation.labels, validation.weights));
    }
    if (improvement <= 1e-12 * Math.max(1, Math.abs(current))) break;
  }
  const coefficients = beta.slice(1);
  const intercept = beta[0]!;
  const history: InstanceFitHistory = {
    unit: 'Newton iteration',
    loss: 'weighted log-loss per cell',
    train: trainLoss,
    validation: validation === undefined ? null : validationLoss,
  };
  return { ...weightedLogisticScorer(coefficients, intercept, mean, scale), iterations, history };
}

/**
 * The scorer of a weighted logistic regression from its parameters (a fit's, or a saved state's).
 * @param coefficients - [F] weights on the standardised columns
 * @param intercept - the intercept
 * @param mean - [F] column means
 * @param scale - [F] column scales (non-zero)
 * @returns the scorer (logits)
 */
export function weightedLogisticScorer(
  coefficients: Float64Array,
  intercept: number,
  mean: Float64Array,
  scale: Float64Array,
): Omit<WeightedLogisticModel, 'iterations'> {
  const f = coefficients.length;
  return {
    coefficients,
    intercept,
    mean,
    scale,
    score(test: CellMatrix): Float64Array {
      if (test.cols !== f) throw new ArgumentError('WeightedLogisticModel.score', 'cells', `${f} columns`, test.cols);
      const out = new Float64Array(test.rows);
      for (let i = 0; i < test.rows; i++) {
        let s = intercept;
        for (let j = 0; j < f; j++) s += coefficients[j]! * ((test.data[i * f + j]! - mean[j]!) / scale[j]!);
        out[i] = s;
      }
      return out;
    },
    state: () => ({ kind: 'logistic', coefficients: [...coefficients], intercept, mean: [...mean], scale: [...scale] }),
  };
}

/**
 * The weighted logistic regression as an {@link InstanceLearner} (deterministic: the seed is unused).
 * @param options - see {@link WeightedLogisticOptions}
 * @returns the learner, named `logistic(C=…)`
 */
export function logisticInstanceLearner(options: WeightedLogisticOptions = {}): InstanceLearner {
  return {
    name: `logistic(C=${options.c ?? 1})`,
    fit: (cells, labels, weights, _seed, validation) => fitWeightedLogistic(cells, labels, weights, validation === undefined ? options : { ...options, validation }),
  };
}
