/**
 * The seed to give tfjs initialiser number `index` (0, 1, 2, …) of a layer or model seeded with `seed`.
 *
 * tfjs's normal and truncated-normal initialisers (heNormal, truncatedNormal, …) treat a seed of 0 as "no seed" (a
 * falsy check), so passing a user's seed 0 straight through gives different weights on every construction. This maps (seed, index) to `seed + index + 1`, never 0 for
 * seed ≥ 0, so every seeded initialiser is reproducible, including with the default seed 0.
 *
 * @param seed - the user's integer seed
 * @param index - the initialiser's index within the layer, integer ≥ 0. Defaults to 0.
 * @returns a seed for `tf.initializers.*({ seed })`; 1 where `seed + index + 1` would be 0 (negative seeds)
 * @example
 * tf.initializers.glorotUniform({ seed: initializerSeed(0) }); // reproducible, unlike { seed: 0 }
 */
export function initializerSeed(seed: number, index = 0): number {
  const s = seed + index + 1;
  return s === 0 ? 1 : s;
}
