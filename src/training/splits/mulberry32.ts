/**
 * A seeded pseudo-random number generator: mulberry32 (Tommy Ettinger, public domain), 32 bits of state.
 *
 * Each call of the returned function advances the state and yields a float in [0, 1) with 32 random bits.
 * Fast, tiny and reproducible across platforms; not cryptographic. Used by the splitters so that a seed
 * fully determines the folds.
 *
 * @param seed - any integer (taken modulo 2^32; negative values are fine)
 * @returns a function returning uniform floats in [0, 1)
 * @throws {RangeError} when `seed` is not a finite integer
 * @example
 * const rand = mulberry32(42);
 * rand(); // 0.6011037519201636 (always, for seed 42)
 */
export function mulberry32(seed: number): () => number {
  if (!Number.isInteger(seed)) {
    throw new RangeError(`mulberry32: expected an integer seed, got ${String(seed)}`);
  }
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
