import { checkInstanceInputs } from './checkInstanceInputs.js';
import { ArgumentError, optionalInteger, optionalNumber, seededRandom } from '../../core/index.js';
import type { CellMatrix } from './cellMatrix.js';
import { checkInstanceValidation } from './checkInstanceValidation.js';
import type { InstanceFitHistory, InstanceLearner, InstanceScorer, InstanceValidation } from './instanceLearner.js';
import { weightedLogLoss } from './weightedLogLoss.js';

/** Options of {@link fitCellMlp}. */
export interface CellMlpOptions {
  /** Hidden ReLU units H ≥ 1. Defaults to 16. */
  readonly hidden?: number;
  /** Passes over the cells ≥ 1. Defaults to 30. */
  readonly epochs?: number;
  /** Cells per Adam step ≥ 1. Defaults to 256. */
  readonly batchSize?: number;
  /** Adam's step size > 0. Defaults to 3e-3. */
  readonly learningRate?: number;
  /** L2 penalty ≥ 0 on both weight matrices (added to the weighted mean loss). Defaults to 1e-3. */
  readonly l2?: number;
  /**
   * Held-out cells whose weighted log-loss is recorded after every epoch in the model's `history` (never trained
   * on). Defaults to none (`history.validation` is `null`).
   */
  readonly validation?: InstanceValidation;
}

/** A fitted per-cell MLP: `score` gives logits. */
export interface CellMlpModel extends InstanceScorer {
  /** Hidden units. */
  readonly hidden: number;
  /**
   * Per epoch, the weighted log-loss per cell (weights normalised, without the L2 penalty): on the training cells
   * the mean over the epoch's mini-batches (each at the weights of its step), on `options.validation` at the
   * epoch's end. Only a fitted model has it.
   */
  readonly history?: InstanceFitHistory;
}

/**
 * Fits a one-hidden-layer perceptron (F → H ReLU → 1) per cell on the weighted logistic loss, with Adam on shuffled
 * mini-batches, inputs standardised with weighted statistics: the report's per-cell MLP, as an instance model of
 * the per-cell expert. Plain TypeScript (no tensors: small enough that the host is fastest), seeded.
 *
 * Shape key: n rows, F columns, H hidden units. Cost O(epochs · n · F · H).
 *
 * @param cells - [n, F] finite rows, n ≥ 2
 * @param labels - [n] 0 or 1, both classes present
 * @param weights - [n] finite weights ≥ 0, some positive (scaled internally to a mean of 1)
 * @param seed - seed of the initialisation and the shuffles, an integer
 * @param options - see {@link CellMlpOptions}
 * @returns the fitted model
 * @throws {ArgumentError} naming `fitCellMlp` and the argument that is invalid
 */
export function fitCellMlp(
  cells: CellMatrix,
  labels: ArrayLike<number>,
  weights: ArrayLike<number>,
  seed: number,
  options: CellMlpOptions = {},
): CellMlpModel {
  const fn = 'fitCellMlp';
  const hidden = optionalInteger(fn, 'options.hidden', options.hidden, 16, { min: 1 });
  const epochs = optionalInteger(fn, 'options.epochs', options.epochs, 30, { min: 1 });
  const batchSize = optionalInteger(fn, 'options.batchSize', options.batchSize, 256, { min: 1 });
  const lr = optionalNumber(fn, 'options.learningRate', options.learningRate, 3e-3, { min: 0, minExclusive: true });
  const l2 = optionalNumber(fn, 'options.l2', options.l2, 1e-3, { min: 0 });
  if (!Number.isSafeInteger(seed)) throw new ArgumentError(fn, 'seed', 'an integer', seed);
  const { rows: n, cols: f, data } = cells;
  const { weights: w, logOdds } = checkInstanceInputs(fn, cells, labels, weights);
  const validation = checkInstanceValidation(fn, options.validation, f);
  const trainLoss: number[] = [];
  const validationLoss: number[] = [];
  const mean = new Float64Array(f);
  const scale = new Float64Array(f);
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) mean[j]! += (w[i]! * data[i * f + j]!) / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) scale[j]! += (w[i]! * (data[i * f + j]! - mean[j]!) ** 2) / n;
  for (let j = 0; j < f; j++) scale[j] = scale[j]! > 1e-24 ? Math.sqrt(scale[j]!) : 1;
  const x = new Float64Array(n * f);
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) x[i * f + j] = (data[i * f + j]! - mean[j]!) / scale[j]!;

  const rng = seededRandom(seed);
  // parameters: W1 [H, F], b1 [H], w2 [H], b2; He initialisation
  const size = hidden * f + hidden + hidden + 1;
  const theta = new Float64Array(size);
  const o1 = 0;
  const ob1 = hidden * f;
  const ow2 = ob1 + hidden;
  const ob2 = ow2 + hidden;
  for (let k = 0; k < hidden * f; k++) theta[o1 + k] = rng.normal(0, Math.sqrt(2 / f));
  for (let k = 0; k < hidden; k++) theta[ow2 + k] = rng.normal(0, Math.sqrt(1 / hidden));
  theta[ob2] = logOdds;
  const grad = new Float64Array(size);
  const m1 = new Float64Array(size);
  const m2 = new Float64Array(size);
  const beta1 = 0.9;
  const beta2 = 0.999;
  let step = 0;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const a = new Float64Array(hidden);
  for (let epoch = 0; epoch < epochs; epoch++) {
    let epochLoss = 0;
    for (let k = n - 1; k > 0; k--) {
      const r = rng.int(0, k + 1);
      const t = order[k]!;
      order[k] = order[r]!;
      order[r] = t;
    }
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      const scaleLoss = 1 / (end - start);
      grad.fill(0);
      for (let b = start; b < end; b++) {
        const i = order[b]!;
        const base = i * f;
        let z = theta[ob2]!;
        for (let h = 0; h < hidden; h++) {
          let s = theta[ob1 + h]!;
          const row = o1 + h * f;
          for (let j = 0; j < f; j++) s += theta[row + j]! * x[base + j]!;
          a[h] = s > 0 ? s : 0;
          z += theta[ow2 + h]! * a[h]!;
        }
        const p = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
        epochLoss += w[i]! * (Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - labels[i]! * z);
        const dz = w[i]! * (p - labels[i]!) * scaleLoss;
        grad[ob2]! += dz;
        for (let h = 0; h < hidden; h++) {
          if (a[h]! <= 0) continue;
          grad[ow2 + h]! += dz * a[h]!;
          const da = dz * theta[ow2 + h]!;
          grad[ob1 + h]! += da;
          const row = o1 + h * f;
          for (let j = 0; j < f; j++) grad[row + j]! += da * x[base + j]!;
        }
      }
      for (let k = 0; k < hidden * f; k++) grad[o1 + k]! += l2 * theta[o1 + k]!;
      for (let k = 0; k < hidden; k++) grad[ow2 + k]! += l2 * theta[ow2 + k]!;
      step++;
      const c1 = 1 - beta1 ** step;
      const c2 = 1 - beta2 ** step;
      for (let k = 0; k < size; k++) {
        const g = grad[k]!;
        m1[k] = beta1 * m1[k]! + (1 - beta1) * g;
        m2[k] = beta2 * m2[k]! + (1 - beta2) * g * g;
        theta[k]! -= (lr * (m1[k]! / c1)) / (Math.sqrt(m2[k]! / c2) + 1e-8);
      }
    }
    trainLoss.push(epochLoss / n); // the weights have a mean of 1
    if (validation !== undefined) {
      validationLoss.push(weightedLogLoss(cellMlpScorer(hidden, mean, scale, theta).score(validation.cells), validation.labels, validation.weights));
    }
  }
  const history: InstanceFitHistory = {
    unit: 'epoch',
    loss: 'weighted log-loss per cell',
    train: trainLoss,
    validation: validation === undefined ? null : validationLoss,
  };
  return { ...cellMlpScorer(hidden, mean, scale, theta), history };
}

/**
 * The scorer of a per-cell MLP from its parameters (a fit's, or a saved state's).
 * @param hidden - hidden units H
 * @param mean - [F] column means
 * @param scale - [F] column scales (non-zero)
 * @param theta - [H·F + H + H + 1] weights: first layer (row per unit), its biases, second layer, its bias
 * @returns the scorer (logits)
 */
export function cellMlpScorer(hidden: number, mean: Float64Array, scale: Float64Array, theta: Float64Array): CellMlpModel {
  const f = mean.length;
  const o1 = 0;
  const ob1 = hidden * f;
  const ow2 = ob1 + hidden;
  const ob2 = ow2 + hidden;
  if (theta.length !== ob2 + 1) throw new ArgumentError('cellMlpScorer', 'theta', `${ob2 + 1} weights`, theta.length);
  return {
    hidden,
    score(test: CellMatrix): Float64Array {
      if (test.cols !== f) throw new ArgumentError('CellMlpModel.score', 'cells', `${f} columns`, test.cols);
      const out = new Float64Array(test.rows);
      const xs = new Float64Array(f);
      for (let i = 0; i < test.rows; i++) {
        for (let j = 0; j < f; j++) xs[j] = (test.data[i * f + j]! - mean[j]!) / scale[j]!;
        let z = theta[ob2]!;
        for (let h = 0; h < hidden; h++) {
          let s = theta[ob1 + h]!;
          const row = o1 + h * f;
          for (let j = 0; j < f; j++) s += theta[row + j]! * xs[j]!;
          if (s > 0) z += theta[ow2 + h]! * s;
        }
        out[i] = z;
      }
      return out;
    },
    state: () => ({ kind: 'mlp', hidden, mean: [...mean], scale: [...scale], theta: [...theta] }),
  };
}

/**
 * The per-cell MLP as an {@link InstanceLearner}.
 * @param options - see {@link CellMlpOptions}
 * @returns the learner, named `mlp(H, epochs)`
 */
export function mlpInstanceLearner(options: CellMlpOptions = {}): InstanceLearner {
  return {
    name: `mlp(${options.hidden ?? 16}, ${options.epochs ?? 30} epochs)`,
    fit: (cells, labels, weights, seed, validation) => fitCellMlp(cells, labels, weights, seed, validation === undefined ? options : { ...options, validation }),
  };
}
