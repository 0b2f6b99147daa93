/**
 * The weighted mean logistic loss of logits: Σᵢ wᵢ·ℓ(yᵢ, zᵢ) / Σᵢ wᵢ with ℓ(y, z) = softplus(z) − y·z, the stable
 * form of −y·log σ(z) − (1 − y)·log(1 − σ(z)) (softplus(z) = max(z, 0) + log1p(exp(−|z|))).
 *
 * @param logits - [n] logits z
 * @param labels - [n] 0 or 1
 * @param weights - [n] weights ≥ 0, some positive
 * @returns the loss (nats), `NaN` when the weights sum to 0
 * @example
 * weightedLogLoss(Float64Array.of(0), [1], [1]); // log 2
 */
export function weightedLogLoss(logits: ArrayLike<number>, labels: ArrayLike<number>, weights: ArrayLike<number>): number {
  let loss = 0;
  let total = 0;
  for (let i = 0; i < logits.length; i++) {
    const z = logits[i]!;
    const w = weights[i]!;
    loss += w * (Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - labels[i]! * z);
    total += w;
  }
  return total > 0 ? loss / total : Number.NaN;
}
