import { ArgumentError, DescribedValue } from '../../core/index.js';

/**
 * Checks a per-channel triple (an image normalisation's `mean` or `std`): 3 finite numbers, positive for a `std`.
 * The one check behind `createBackbone`'s, `FrozenModelBackbone`'s and `checkBackboneSpec`'s `mean` / `std` options.
 *
 * @param fn - the public function the user called
 * @param argument - the option, e.g. `'options.std'`
 * @param value - the value given
 * @param positive - whether each number must be > 0 (a standard deviation)
 * @returns the triple, frozen
 * @throws {ArgumentError} `fn: options.std must be 3 finite positive numbers, got [0.5, 0, 0.5]`
 * @example
 * checkChannelTriple('createBackbone', 'options.mean', [0.485, 0.456, 0.406], false);
 */
export function checkChannelTriple(fn: string, argument: string, value: unknown, positive: boolean): readonly [number, number, number] {
  const ok =
    Array.isArray(value) &&
    value.length === 3 &&
    value.every((x) => typeof x === 'number' && Number.isFinite(x) && (!positive || x > 0));
  if (!ok) {
    const shown =
      Array.isArray(value) && value.length <= 8
        ? new DescribedValue(`[${value.map((x) => (typeof x === 'string' ? JSON.stringify(x) : String(x))).join(', ')}]`)
        : value;
    throw new ArgumentError(fn, argument, `3 finite${positive ? ' positive' : ''} numbers`, shown);
  }
  return Object.freeze([value[0], value[1], value[2]] as const);
}
