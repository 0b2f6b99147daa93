/**
 * The damped Newton step of the library's logistic regressions (internal).
 * @module
 */

/**
 * Moves from `beta` along −`step`, halving the step (at most 30 times) until the objective does not increase.
 *
 * @param beta - [n] the current iterate
 * @param step - [n] the Newton step (A⁻¹·gradient)
 * @param current - the objective at `beta`
 * @param objective - the objective at a candidate
 * @returns the new iterate and its objective, or null when no halving decreased it (converged at float64 precision)
 */
export function halvingStep(
  beta: Float64Array,
  step: Float64Array,
  current: number,
  objective: (candidate: Float64Array<ArrayBuffer>) => number,
): { next: Float64Array<ArrayBuffer>; value: number } | null {
  const n = beta.length;
  for (let t = 1, tries = 0; tries < 30; tries++, t /= 2) {
    const candidate = new Float64Array(n);
    for (let k = 0; k < n; k++) candidate[k] = beta[k]! - t * step[k]!;
    const value = objective(candidate);
    if (value <= current) return { next: candidate, value };
  }
  return null;
}
