import { ArgumentError } from '../../core/index.js';
import type { CellMatrix } from './cellMatrix.js';
import { cellMlpScorer } from './fitCellMlp.js';
import { gradientBoostedTreesScorer } from './fitGradientBoostedTrees.js';
import { weightedLogisticScorer } from './fitWeightedLogistic.js';
import type { InstanceScorer, InstanceScorerState } from './instanceLearner.js';

/**
 * A scorer that averages the logits of several (e.g. the K cross-fitted models of `finalModel: 'innerAverage'`).
 * @param members - The scorers, at least one.
 * @returns The averaging scorer.
 */
export function averageScorer(members: readonly InstanceScorer[]): InstanceScorer {
  return {
    score(m: CellMatrix): Float64Array {
      const out = new Float64Array(m.rows);
      for (const s of members) {
        const z = s.score(m);
        for (let i = 0; i < m.rows; i++) out[i]! += z[i]! / members.length;
      }
      return out;
    },
    state: () => ({ kind: 'average', members: members.map((s) => scorerState(s)) }),
  };
}

/**
 * The state of a scorer, for saving.
 * @param scorer - A scorer of the library's learners.
 * @returns Its state.
 * @throws {ArgumentError} for a scorer without `state` (a user's learner).
 */
export function scorerState(scorer: InstanceScorer): InstanceScorerState {
  if (typeof scorer.state !== 'function') throw new ArgumentError('scorerState', 'scorer', 'a per-cell model with state() (to be saved)', scorer);
  return scorer.state();
}

function numbers(fn: string, name: string, value: unknown): Float64Array {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) throw new ArgumentError(fn, name, 'an array of finite numbers', value);
  return Float64Array.from(value as number[]);
}

function integers(fn: string, name: string, value: unknown): Int32Array {
  if (!Array.isArray(value) || !value.every((v) => Number.isInteger(v))) throw new ArgumentError(fn, name, 'an array of integers', value);
  return Int32Array.from(value as number[]);
}

/**
 * The scorer a saved state describes (the inverse of `scorer.state()`), scoring exactly as the fitted one did.
 * @param state - The state (e.g. read back from JSON).
 * @returns The scorer.
 * @throws {ArgumentError} naming the field of a malformed state.
 */
export function instanceScorerFromState(state: InstanceScorerState): InstanceScorer {
  const fn = 'instanceScorerFromState';
  switch (state?.kind) {
    case 'logistic':
      if (!Number.isFinite(state.intercept)) throw new ArgumentError(fn, 'state.intercept', 'a finite number', state.intercept);
      return weightedLogisticScorer(numbers(fn, 'state.coefficients', state.coefficients), state.intercept, numbers(fn, 'state.mean', state.mean), numbers(fn, 'state.scale', state.scale));
    case 'gbdt': {
      if (!Number.isInteger(state.cols) || state.cols < 1) throw new ArgumentError(fn, 'state.cols', 'an integer ≥ 1', state.cols);
      const feature = integers(fn, 'state.feature', state.feature);
      const nodes = feature.length;
      const arrays = {
        roots: integers(fn, 'state.roots', state.roots),
        feature,
        threshold: numbers(fn, 'state.threshold', state.threshold),
        left: integers(fn, 'state.left', state.left),
        right: integers(fn, 'state.right', state.right),
        value: numbers(fn, 'state.value', state.value),
      };
      // Every index in range, so that scoring a saved model can never read outside its arrays.
      for (const name of ['threshold', 'left', 'right', 'value'] as const) {
        if (arrays[name].length !== nodes) throw new ArgumentError(fn, `state.${name}`, `${nodes} entries (one per node)`, arrays[name].length);
      }
      const badNode = (a: Int32Array): boolean => a.some((k) => k < 0 || k >= nodes);
      if (badNode(arrays.roots)) throw new ArgumentError(fn, 'state.roots', `node indices in [0, ${nodes})`, state.roots);
      for (let k = 0; k < nodes; k++) {
        if (feature[k]! >= state.cols) throw new ArgumentError(fn, `state.feature[${k}]`, `a column < ${state.cols} or −1`, feature[k]);
        if (feature[k]! >= 0 && (badNode(arrays.left.subarray(k, k + 1)) || badNode(arrays.right.subarray(k, k + 1)) || arrays.left[k]! <= k || arrays.right[k]! <= k)) {
          throw new ArgumentError(fn, `state.left/right[${k}]`, 'children after their parent, inside the arrays', [arrays.left[k], arrays.right[k]]);
        }
      }
      if (!Number.isFinite(state.baseScore)) throw new ArgumentError(fn, 'state.baseScore', 'a finite number', state.baseScore);
      return gradientBoostedTreesScorer(state.cols, state.baseScore, arrays);
    }
    case 'mlp':
      if (!Number.isInteger(state.hidden) || state.hidden < 1) throw new ArgumentError(fn, 'state.hidden', 'an integer ≥ 1', state.hidden);
      return cellMlpScorer(state.hidden, numbers(fn, 'state.mean', state.mean), numbers(fn, 'state.scale', state.scale), numbers(fn, 'state.theta', state.theta));
    case 'average':
      if (!Array.isArray(state.members) || state.members.length === 0) throw new ArgumentError(fn, 'state.members', 'a non-empty array', state.members);
      return averageScorer(state.members.map((m) => instanceScorerFromState(m)));
    default:
      throw new ArgumentError(fn, 'state.kind', "'logistic', 'gbdt', 'mlp' or 'average'", (state as { kind?: unknown } | null)?.kind);
  }
}
