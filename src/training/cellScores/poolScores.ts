import { ArgumentError } from '../../core/index.js';

/**
 * How a patient's per-cell scores become the stacker's inputs:
 * - `'mean'`: the mean score (1 value);
 * - `'quantiles'`: the scores' quantiles at {@link PoolScoresOptions.quantiles} (Q values);
 * - `'meanQuantiles'`: the mean, then the quantiles (1 + Q values);
 * - `'topk'`: the mean of the top ⌈f·n⌉ and of the bottom ⌈f·n⌉ scores, f = {@link PoolScoresOptions.topFraction} (2 values);
 * - `'lse'`: log-mean-exp of the scores (a soft maximum, 1 value).
 */
export type CellPooling = 'mean' | 'quantiles' | 'meanQuantiles' | 'topk' | 'lse';

/** The poolings of {@link CellPooling}, in order. */
export const CELL_POOLINGS = ['mean', 'quantiles', 'meanQuantiles', 'topk', 'lse'] as const satisfies readonly CellPooling[];

/** Options of {@link poolScores}. */
export interface PoolScoresOptions {
  /** Quantile levels in [0, 1] for `'quantiles'` / `'meanQuantiles'` (linear interpolation, numpy's default). Defaults to `[0.1, 0.25, 0.5, 0.75, 0.9]`. */
  readonly quantiles?: readonly number[];
  /** Fraction f in (0, 1] of the cells averaged by `'topk'`. Defaults to 0.25. */
  readonly topFraction?: number;
}

/** Default quantile levels of {@link poolScores}. */
export const DEFAULT_QUANTILES: readonly number[] = [0.1, 0.25, 0.5, 0.75, 0.9];

/**
 * Number of values {@link poolScores} returns for a pooling.
 * @param pooling - the pooling
 * @param options - see {@link PoolScoresOptions}
 * @returns the width of the pooled vector
 */
export function pooledWidth(pooling: CellPooling, options: PoolScoresOptions = {}): number {
  const q = (options.quantiles ?? DEFAULT_QUANTILES).length;
  switch (pooling) {
    case 'mean':
    case 'lse':
      return 1;
    case 'quantiles':
      return q;
    case 'meanQuantiles':
      return 1 + q;
    case 'topk':
      return 2;
  }
}

function quantileSorted(sorted: Float64Array, level: number): number {
  const pos = level * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * Pools one patient's per-cell scores into a fixed-width vector (see {@link CellPooling}).
 *
 * @param scores - [n ≥ 1] the patient's cell scores (logits)
 * @param pooling - the pooling
 * @param options - see {@link PoolScoresOptions}
 * @returns [{@link pooledWidth}] pooled values
 * @throws {ArgumentError} naming `poolScores` when there is no score, a quantile level is outside [0, 1] or the
 *   top fraction outside (0, 1]
 * @example
 * poolScores(Float64Array.of(-1, 0, 3), 'mean'); // [0.667]
 * poolScores(Float64Array.of(-1, 0, 3), 'quantiles', { quantiles: [0.5] }); // [0]
 */
export function poolScores(scores: Float64Array, pooling: CellPooling, options: PoolScoresOptions = {}): number[] {
  const n = scores.length;
  if (n < 1) throw new ArgumentError('poolScores', 'scores', 'at least one score', scores);
  const levels = options.quantiles ?? DEFAULT_QUANTILES;
  for (const q of levels) if (!(q >= 0 && q <= 1)) throw new ArgumentError('poolScores', 'options.quantiles', 'levels in [0, 1]', levels);
  const fraction = options.topFraction ?? 0.25;
  if (!(fraction > 0 && fraction <= 1)) throw new ArgumentError('poolScores', 'options.topFraction', 'a number in (0, 1]', fraction);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += scores[i]!;
  mean /= n;
  switch (pooling) {
    case 'mean':
      return [mean];
    case 'lse': {
      let max = -Infinity;
      for (let i = 0; i < n; i++) max = Math.max(max, scores[i]!);
      let s = 0;
      for (let i = 0; i < n; i++) s += Math.exp(scores[i]! - max);
      return [max + Math.log(s / n)];
    }
    case 'quantiles':
    case 'meanQuantiles':
    case 'topk': {
      const sorted = Float64Array.from(scores).sort();
      if (pooling === 'topk') {
        const k = Math.max(1, Math.ceil(fraction * n));
        let top = 0;
        let bottom = 0;
        for (let i = 0; i < k; i++) {
          top += sorted[n - 1 - i]!;
          bottom += sorted[i]!;
        }
        return [top / k, bottom / k];
      }
      const qs = levels.map((q) => quantileSorted(sorted, q));
      return pooling === 'quantiles' ? qs : [mean, ...qs];
    }
    default:
      throw new ArgumentError('poolScores', 'pooling', `one of ${CELL_POOLINGS.join(', ')}`, pooling);
  }
}
