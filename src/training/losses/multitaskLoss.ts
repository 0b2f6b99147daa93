import * as tf from '@tensorflow/tfjs';
import { optionalNumber } from '../../core/index.js';

/** The two terms of the multitask loss, both float32 scalars. */
export interface MultitaskTerms {
  /** Classification loss, e.g. from {@link binaryCrossEntropyWithLogits}. */
  classification: tf.Scalar;
  /** Regression loss, e.g. {@link nmse} of the lymphocyte count. */
  regression: tf.Scalar;
}

/** Options of {@link multitaskLoss}. */
export interface MultitaskLossOptions {
  /**
   * Weight λ of the regression term, finite and ≥ 0 (0 gives the one-task loss). The report does not give its value;
   * with NMSE both terms are O(1). Defaults to 1.
   */
  lambda?: number;
}

/**
 * Multitask loss L = L_classification + λ·L_regression (the report's weighted BCE + λ·NMSE).
 *
 * @param terms - the two scalar losses; not disposed.
 * @param options - see {@link MultitaskLossOptions}.
 * @returns a float32 scalar; the caller disposes it.
 * @throws RangeError when a term is not a scalar or λ is not finite and ≥ 0.
 *
 * @example
 * ```ts
 * const loss = multitaskLoss({ classification: bce, regression: nmse(counts, predicted, { variance }) }, { lambda: 0.5 });
 * ```
 */
export function multitaskLoss(terms: MultitaskTerms, options: MultitaskLossOptions = {}): tf.Scalar {
  const lambda = optionalNumber('multitaskLoss', 'lambda', options.lambda, 1, { min: 0 });
  for (const key of ['classification', 'regression'] as const) {
    const term = terms[key];
    if (term.rank !== 0) {
      throw new RangeError(`multitaskLoss: expected ${key} to be a scalar, got shape [${term.shape.join(', ')}]`);
    }
  }
  return tf.tidy(() => tf.add(terms.classification, tf.mul(terms.regression, lambda)) as tf.Scalar);
}
