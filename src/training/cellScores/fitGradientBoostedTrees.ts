import { checkInstanceInputs } from './checkInstanceInputs.js';
import { ArgumentError, optionalInteger, optionalNumber, seededRandom } from '../../core/index.js';
import type { CellMatrix } from './cellMatrix.js';
import { checkInstanceValidation } from './checkInstanceValidation.js';
import type { InstanceFitHistory, InstanceLearner, InstanceScorer, InstanceValidation } from './instanceLearner.js';
import { weightedLogLoss } from './weightedLogLoss.js';

/** Options of {@link fitGradientBoostedTrees}. */
export interface GradientBoostedTreesOptions {
  /** Number of trees (boosting rounds) ≥ 1. Defaults to 100. */
  readonly rounds?: number;
  /** Shrinkage η in (0, 1] applied to every leaf. Defaults to 0.1. */
  readonly learningRate?: number;
  /** Depth of each tree ≥ 1 (2^depth leaves at most). Defaults to 3. */
  readonly maxDepth?: number;
  /** Smallest sum of hessians w·p(1−p) in a child, weights scaled to a mean of 1 per row (xgboost's `min_child_weight`). Defaults to 5. */
  readonly minChildWeight?: number;
  /** L2 penalty λ ≥ 0 on leaf values (xgboost's `lambda`). Defaults to 1. */
  readonly lambda?: number;
  /** Fraction in (0, 1] of the rows each tree sees (drawn without replacement). Defaults to 0.8. */
  readonly subsample?: number;
  /** Fraction in (0, 1] of the columns each tree may split on. Defaults to 1. */
  readonly colsample?: number;
  /** Histogram bins per column, 2–256 (thresholds at the column's quantiles). Defaults to 64. */
  readonly maxBins?: number;
  /**
   * Held-out cells whose weighted log-loss is recorded after every round in the model's `history` (never trained
   * on, no early stopping). Defaults to none (`history.validation` is `null`).
   */
  readonly validation?: InstanceValidation;
}

/** A fitted boosted-trees model: `score` gives logits. */
export interface GradientBoostedTreesModel extends InstanceScorer {
  /** Number of trees. */
  readonly trees: number;
  /** The starting logit (weighted log-odds of the labels). */
  readonly baseScore: number;
  /**
   * The weighted log-loss per cell (weights as given, normalised) after each round: on every training row (not only
   * the round's subsample) and on `options.validation`. Only a fitted model has it.
   */
  readonly history?: InstanceFitHistory;
}

/**
 * Fits gradient-boosted regression trees on the logistic loss with per-row weights (a small histogram GBDT in the
 * manner of LightGBM/xgboost's `hist`): columns binned at their quantiles, depth-wise trees grown on the weighted
 * gradient and hessian histograms, second-order leaf values −G/(H+λ) shrunk by η, row and column subsampling per
 * tree. Plain TypeScript, deterministic given the seed.
 *
 * Shape key: n rows, F columns, B bins. Cost O(rounds · depth · n · F).
 *
 * @param cells - [n, F] finite rows, n ≥ 2
 * @param labels - [n] 0 or 1, both classes present
 * @param weights - [n] finite weights ≥ 0, some positive (scaled internally to a mean of 1)
 * @param seed - seed of the subsampling, an integer
 * @param options - see {@link GradientBoostedTreesOptions}
 * @returns the fitted model
 * @throws {ArgumentError} naming `fitGradientBoostedTrees` and the argument that is invalid
 * @example
 * const model = fitGradientBoostedTrees(cells, labels, cellWeights(counts, patientLabels), 0, { rounds: 200 });
 * const logits = model.score(newCells);
 */
export function fitGradientBoostedTrees(
  cells: CellMatrix,
  labels: ArrayLike<number>,
  weights: ArrayLike<number>,
  seed: number,
  options: GradientBoostedTreesOptions = {},
): GradientBoostedTreesModel {
  const fn = 'fitGradientBoostedTrees';
  const rounds = optionalInteger(fn, 'options.rounds', options.rounds, 100, { min: 1 });
  const eta = optionalNumber(fn, 'options.learningRate', options.learningRate, 0.1, { min: 0, minExclusive: true, max: 1 });
  const maxDepth = optionalInteger(fn, 'options.maxDepth', options.maxDepth, 3, { min: 1, max: 16 });
  const minChild = optionalNumber(fn, 'options.minChildWeight', options.minChildWeight, 5, { min: 0 });
  const lambda = optionalNumber(fn, 'options.lambda', options.lambda, 1, { min: 0 });
  const subsample = optionalNumber(fn, 'options.subsample', options.subsample, 0.8, { min: 0, minExclusive: true, max: 1 });
  const colsample = optionalNumber(fn, 'options.colsample', options.colsample, 1, { min: 0, minExclusive: true, max: 1 });
  const maxBins = optionalInteger(fn, 'options.maxBins', options.maxBins, 64, { min: 2, max: 256 });
  if (!Number.isSafeInteger(seed)) throw new ArgumentError(fn, 'seed', 'an integer', seed);
  const { rows: n, cols: f, data } = cells;
  const { weights: w, logOdds } = checkInstanceInputs(fn, cells, labels, weights);
  const validation = checkInstanceValidation(fn, options.validation, f);

  // Bin edges: thresholds t_0 < … at the column's quantiles; bin(x) = #{t < x}, so bin ≤ b ⇔ x ≤ t_b.
  const thresholds: Float64Array[] = [];
  const column = new Float64Array(n);
  for (let j = 0; j < f; j++) {
    for (let i = 0; i < n; i++) column[i] = data[i * f + j]!;
    column.sort();
    const t: number[] = [];
    for (let k = 1; k < maxBins; k++) {
      const v = column[Math.floor((k * n) / maxBins)]!;
      if ((t.length === 0 || v > t[t.length - 1]!) && v < column[n - 1]!) t.push(v);
    }
    thresholds.push(Float64Array.from(t));
  }
  const bins = new Uint8Array(n * f);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < f; j++) {
      const t = thresholds[j]!;
      const x = data[i * f + j]!;
      let lo = 0;
      let hi = t.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (t[mid]! < x) lo = mid + 1;
        else hi = mid;
      }
      bins[i * f + j] = lo;
    }
  }

  // Trees as flat node arrays; a leaf has feature −1.
  const nodeFeature: number[] = [];
  const nodeBin: number[] = [];
  const nodeThreshold: number[] = [];
  const nodeLeft: number[] = [];
  const nodeRight: number[] = [];
  const nodeValue: number[] = [];
  const roots: number[] = [];
  const baseScore = logOdds;
  const margin = new Float64Array(n).fill(baseScore);
  const trainLoss: number[] = [];
  const validationLoss: number[] = [];
  const validationMargin = new Float64Array(validation?.cells.rows ?? 0).fill(baseScore);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const rng = seededRandom(seed);
  const hist = new Float64Array(f * maxBins * 2);
  const allowed = new Uint8Array(f);

  const newNode = (): number => {
    nodeFeature.push(-1);
    nodeBin.push(0);
    nodeThreshold.push(0);
    nodeLeft.push(-1);
    nodeRight.push(-1);
    nodeValue.push(0);
    return nodeFeature.length - 1;
  };

  const build = (idx: Int32Array, depth: number): number => {
    const node = newNode();
    let gs = 0;
    let hs = 0;
    for (let k = 0; k < idx.length; k++) {
      gs += g[idx[k]!]!;
      hs += h[idx[k]!]!;
    }
    nodeValue[node] = (-gs / (hs + lambda)) * eta;
    if (depth >= maxDepth || hs < 2 * minChild || idx.length < 2) return node;
    hist.fill(0);
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k]!;
      const gi = g[i]!;
      const hi = h[i]!;
      const base = i * f;
      for (let j = 0; j < f; j++) {
        const o = (j * maxBins + bins[base + j]!) * 2;
        hist[o]! += gi;
        hist[o + 1]! += hi;
      }
    }
    const parent = (gs * gs) / (hs + lambda);
    let bestGain = 1e-12;
    let bestFeature = -1;
    let bestBin = 0;
    for (let j = 0; j < f; j++) {
      if (allowed[j] === 0) continue;
      const nb = thresholds[j]!.length; // bins 0…nb; a split after bin b < nb
      let gl = 0;
      let hl = 0;
      for (let b = 0; b < nb; b++) {
        const o = (j * maxBins + b) * 2;
        gl += hist[o]!;
        hl += hist[o + 1]!;
        const hr = hs - hl;
        if (hl < minChild || hr < minChild) continue;
        const gr = gs - gl;
        const gain = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parent;
        if (gain > bestGain) {
          bestGain = gain;
          bestFeature = j;
          bestBin = b;
        }
      }
    }
    if (bestFeature < 0) return node;
    let nl = 0;
    for (let k = 0; k < idx.length; k++) if (bins[idx[k]! * f + bestFeature]! <= bestBin) nl++;
    const left = new Int32Array(nl);
    const right = new Int32Array(idx.length - nl);
    let a = 0;
    let c = 0;
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k]!;
      if (bins[i * f + bestFeature]! <= bestBin) left[a++] = i;
      else right[c++] = i;
    }
    nodeFeature[node] = bestFeature;
    nodeBin[node] = bestBin;
    nodeThreshold[node] = thresholds[bestFeature]![bestBin]!;
    const l = build(left, depth + 1);
    const r = build(right, depth + 1);
    nodeLeft[node] = l;
    nodeRight[node] = r;
    return node;
  };

  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const take = Math.max(2, Math.round(subsample * n));
  const colOrder = Array.from({ length: f }, (_, j) => j);
  const takeCols = Math.max(1, Math.round(colsample * f));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < n; i++) {
      const z = margin[i]!;
      const p = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
      g[i] = w[i]! * (p - labels[i]!);
      h[i] = w[i]! * p * (1 - p);
    }
    // partial Fisher–Yates: the first `take` rows (and `takeCols` columns) are a uniform sample
    if (take < n) {
      for (let k = 0; k < take; k++) {
        const r = rng.int(k, n);
        const tmp = order[k]!;
        order[k] = order[r]!;
        order[r] = tmp;
      }
    }
    allowed.fill(takeCols < f ? 0 : 1);
    if (takeCols < f) {
      for (let k = 0; k < takeCols; k++) {
        const r = rng.int(k, f);
        [colOrder[k], colOrder[r]] = [colOrder[r]!, colOrder[k]!];
        allowed[colOrder[k]!] = 1;
      }
    }
    const root = build(take < n ? order.slice(0, take) : order.slice(), 0);
    roots.push(root);
    for (let i = 0; i < n; i++) {
      let node = root;
      while (nodeFeature[node]! >= 0) node = bins[i * f + nodeFeature[node]!]! <= nodeBin[node]! ? nodeLeft[node]! : nodeRight[node]!;
      margin[i]! += nodeValue[node]!;
    }
    trainLoss.push(weightedLogLoss(margin, labels, w));
    if (validation !== undefined) {
      const v = validation.cells.data;
      for (let i = 0; i < validationMargin.length; i++) {
        let node = root;
        // bin(x) ≤ b ⇔ x ≤ t_b: the raw value against the node's threshold takes the branch its bin took in training.
        while (nodeFeature[node]! >= 0) node = v[i * f + nodeFeature[node]!]! <= nodeThreshold[node]! ? nodeLeft[node]! : nodeRight[node]!;
        validationMargin[i]! += nodeValue[node]!;
      }
      validationLoss.push(weightedLogLoss(validationMargin, validation.labels, validation.weights));
    }
  }

  const feature = Int32Array.from(nodeFeature);
  const threshold = Float64Array.from(nodeThreshold);
  const left = Int32Array.from(nodeLeft);
  const right = Int32Array.from(nodeRight);
  const value = Float64Array.from(nodeValue);
  const treeRoots = Int32Array.from(roots);
  const history: InstanceFitHistory = {
    unit: 'boosting round',
    loss: 'weighted log-loss per cell',
    train: trainLoss,
    validation: validation === undefined ? null : validationLoss,
  };
  return { ...gradientBoostedTreesScorer(f, baseScore, { roots: treeRoots, feature, threshold, left, right, value }), history };
}

/** The node arrays of fitted trees: node k splits on column `feature[k]` at `threshold[k]` (−1: a leaf of `value[k]`). */
export interface TreeArrays {
  readonly roots: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
}

/**
 * The scorer of boosted trees from their arrays (a fit's, or a saved state's).
 * @param f - number of columns F
 * @param baseScore - the starting logit
 * @param trees - the node arrays
 * @returns the scorer (logits)
 */
export function gradientBoostedTreesScorer(f: number, baseScore: number, trees: TreeArrays): GradientBoostedTreesModel {
  const { roots: treeRoots, feature, threshold, left, right, value } = trees;
  return {
    trees: treeRoots.length,
    baseScore,
    score(test: CellMatrix): Float64Array {
      if (test.cols !== f) throw new ArgumentError('GradientBoostedTreesModel.score', 'cells', `${f} columns`, test.cols);
      const out = new Float64Array(test.rows);
      for (let i = 0; i < test.rows; i++) {
        let s = baseScore;
        const base = i * f;
        for (let t = 0; t < treeRoots.length; t++) {
          let node = treeRoots[t]!;
          while (feature[node]! >= 0) node = test.data[base + feature[node]!]! <= threshold[node]! ? left[node]! : right[node]!;
          s += value[node]!;
        }
        out[i] = s;
      }
      return out;
    },
    state: () => ({
      kind: 'gbdt',
      cols: f,
      baseScore,
      roots: [...treeRoots],
      feature: [...feature],
      threshold: [...threshold],
      left: [...left],
      right: [...right],
      value: [...value],
    }),
  };
}

/**
 * The boosted trees as an {@link InstanceLearner}.
 * @param options - see {@link GradientBoostedTreesOptions}
 * @returns the learner, named `gbdt(rounds, depth, η)`
 */
export function gbdtInstanceLearner(options: GradientBoostedTreesOptions = {}): InstanceLearner {
  return {
    name: `gbdt(${options.rounds ?? 100}, depth ${options.maxDepth ?? 3}, η ${options.learningRate ?? 0.1})`,
    fit: (cells, labels, weights, seed, validation) => fitGradientBoostedTrees(cells, labels, weights, seed, validation === undefined ? options : { ...options, validation }),
  };
}
