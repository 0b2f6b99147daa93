import { checkInteger } from '../../core/index.js';

/**
 * Shuffle an array in place with the Fisher–Yates algorithm driven by `random`.
 *
 * @param values - the array to shuffle (modified in place)
 * @param random - a source of uniform floats in [0, 1), e.g. `seededRandom(seed).next` (src/core)
 * @returns `values`, shuffled
 * @example
 * shuffleInPlace([0, 1, 2, 3], seededRandom(1).next); // a fixed permutation of 0..3
 */
export function shuffleInPlace<T>(values: T[], random: () => number): T[] {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = values[i] as T;
    values[i] = values[j] as T;
    values[j] = tmp;
  }
  return values;
}

/**
 * A uniformly random permutation of 0..n−1 (Fisher–Yates).
 *
 * @param n - length (integer ≥ 0)
 * @param random - a source of uniform floats in [0, 1), e.g. `seededRandom(seed).next` (src/core)
 * @returns the indices 0..n−1 in random order
 * @throws {ArgumentError} when `n` is not a non-negative integer
 * @example
 * randomPermutation(4, seededRandom(1).next); // a fixed permutation of [0, 1, 2, 3]
 */
export function randomPermutation(n: number, random: () => number): number[] {
  checkInteger('randomPermutation', 'n', n, { min: 0 });
  return shuffleInPlace(
    Array.from({ length: n }, (_, i) => i),
    random,
  );
}
