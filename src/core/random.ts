/**
 * The library's one pseudo-random number generator (sfc32, seeded through splitmix32) and its one way to derive
 * sub-seeds ({@link deriveSeed}): the synthetic cohort, the fold splits and the initial weights all draw from here,
 * so that a seed is bit-for-bit reproducible across platforms and runs. Not for cryptography.
 *
 * References: C. Doty-Humphrey, PractRand "sfc32"; S. Vigna, "splitmix" seeding.
 */

import { checkNumber, checkThat } from './check.js';

/** 32-bit integer mix (splitmix32 finaliser): a bijection on uint32 with good avalanche. */
function mix32(x: number): number {
  let z = (x + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Hash a list of integers (a seed and sub-stream keys such as a patient and an image index) to one uint32 seed.
 * Used to give every patient and every image an independent stream, so that rendering image 7 does not depend
 * on whether images 0–6 were rendered first.
 *
 * @param parts - integers (any sign; fractional parts are dropped); at least one
 * @returns a uint32 in [0, 2^32)
 * @example
 * deriveSeed(42, 3, 7); // same value on every run and platform
 */
export function deriveSeed(...parts: number[]): number {
  checkThat(parts.length > 0, 'deriveSeed', 'parts', 'at least one integer', parts);
  let h = 0x6a09e667;
  for (const [i, p] of parts.entries()) {
    checkNumber('deriveSeed', `parts[${i}]`, p);
    // Fold numbers beyond 32 bits in two halves so large seeds are not truncated silently.
    const v = Math.trunc(p);
    const lo = v >>> 0;
    const hi = Math.floor(v / 4294967296) >>> 0;
    h = mix32((h ^ lo) >>> 0);
    h = mix32((h ^ hi ^ 0x5bd1e995) >>> 0);
  }
  return h;
}

/** @deprecated Old name of {@link deriveSeed}. */
export const hashSeed = deriveSeed;

/** A deterministic stream of pseudo-random numbers; see {@link seededRandom}. */
export interface SeededRandom {
  /** The next uniform number in [0, 1) (32 bits of resolution). */
  next(): number;
  /** The next uniform 32-bit unsigned integer, in [0, 2^32) (the raw output `next()` divides by 2^32). */
  nextUint32(): number;
  /** A uniform number in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** A uniform integer in [lo, hi) (hi exclusive). */
  int(lo: number, hi: number): number;
  /** A normal (Gaussian) number with the given mean and standard deviation (Box–Muller). */
  normal(mean?: number, sd?: number): number;
  /** `true` with probability p (p in [0, 1]). */
  bernoulli(p: number): boolean;
  /** A new, independent stream derived from this stream's seed and the given keys (does not advance this one). */
  fork(...keys: number[]): SeededRandom;
}

/**
 * Create a seeded pseudo-random generator (sfc32 with a splitmix32-hashed seed).
 *
 * The same seed always yields the same sequence, on every platform: all arithmetic is 32-bit integer
 * arithmetic (`Math.imul`, `>>>`), and floats are derived as `uint32 / 2^32`.
 *
 * @param seed - any finite number (integers recommended; fractional parts are dropped)
 * @returns a {@link SeededRandom}
 * @throws {ArgumentError} naming `seededRandom` when `seed` is not a finite number
 * @example
 * const rng = seededRandom(7);
 * const x = rng.next();          // in [0, 1)
 * const g = rng.normal(0, 1);    // standard normal
 * const cell = rng.fork(3, 12);  // independent stream for patient 3, image 12
 */
export function seededRandom(seed: number): SeededRandom {
  checkNumber('seededRandom', 'seed', seed);
  const base = deriveSeed(seed);
  let a = mix32(base ^ 0x243f6a88);
  let b = mix32(base ^ 0x85a308d3);
  let c = mix32(base ^ 0x13198a2e);
  let d = 1;
  const nextUint32 = (): number => {
    // sfc32: small fast chaotic generator, 128-bit state, passes PractRand to multiple TB.
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  // Discard the first outputs: sfc32 needs a few rounds to decorrelate from the seed.
  for (let i = 0; i < 12; i++) nextUint32();
  let spare: number | null = null;
  const next = (): number => nextUint32() / 4294967296;
  const rng: SeededRandom = {
    next,
    nextUint32,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    int: (lo, hi) => {
      checkThat(hi > lo, 'SeededRandom.int', 'hi', `a number > lo (${lo})`, hi);
      return lo + Math.floor((hi - lo) * next());
    },
    normal: (mean = 0, sd = 1) => {
      if (spare !== null) {
        const z = spare;
        spare = null;
        return mean + sd * z;
      }
      // Box–Muller; 1 − u keeps the logarithm's argument in (0, 1].
      const u = 1 - next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return mean + sd * r * Math.cos(2 * Math.PI * v);
    },
    bernoulli: (p) => next() < p,
    fork: (...keys) => seededRandom(deriveSeed(base, ...keys)),
  };
  return rng;
}
