import { checkOneOf } from '../../core/index.js';
/**
 * Direction of a monitored quantity: `'min'` for losses (lower is better), `'max'` for scores such as balanced
 * accuracy or AUC (higher is better).
 */
export type MonitorMode = 'min' | 'max';

/**
 * Whether `value` improves on `best` by more than `minDelta` in the direction of `mode`. NaN never improves.
 *
 * @param mode - `'min'` or `'max'`.
 * @param value - the new value.
 * @param best - the best value so far (±Infinity before the first value).
 * @param minDelta - absolute margin, ≥ 0: in `'min'` mode `value < best − minDelta` is an improvement.
 * @returns true on a strict improvement.
 */
export function isImprovement(mode: MonitorMode, value: number, best: number, minDelta: number): boolean {
  return mode === 'min' ? value < best - minDelta : value > best + minDelta;
}

/**
 * Checks a mode name early.
 *
 * @param fnName - the calling class or function, for the error message.
 * @param mode - the value to check.
 */
export function checkMonitorMode(fnName: string, mode: string): asserts mode is MonitorMode {
  if (mode !== 'min' && mode !== 'max') {
    checkOneOf(fnName, 'mode', mode, ['min', 'max'] as const);
  }
}
