import { ArgumentError } from '../../core/index.js';
import type { BagPrediction } from '../estimator/index.js';

/** The element-wise mean of equally long arrays, or `null` when any is missing. */
function meanArrays(arrays: readonly (Float32Array | null | undefined)[]): Float32Array | null {
  if (arrays.length === 0 || arrays.some((a) => a === null || a === undefined)) return null;
  const first = arrays[0] as Float32Array;
  const out = new Float32Array(first.length);
  for (const a of arrays as Float32Array[]) {
    if (a.length !== out.length) return null;
    for (let i = 0; i < out.length; i++) out[i]! += a[i]! / arrays.length;
  }
  return out;
}

/**
 * Averages the predictions of several models of the same patients (an ensemble's members): the probability, the
 * gate π, each expert's probability (keys every member has), the predicted count and the per-image attention, each
 * the member mean; a field some member lacks is left out (or `null` for an expert).
 *
 * @param predictions - At least one prediction, each of the same B patients.
 * @returns The mean prediction ([B] arrays, float32).
 * @throws {ArgumentError} naming `averagePredictions` when there is none or the probabilities differ in length.
 * @example
 * averagePredictions([{ probability: Float32Array.of(0.2) }, { probability: Float32Array.of(0.6) }]).probability; // [0.4]
 */
export function averagePredictions(predictions: readonly BagPrediction[]): BagPrediction {
  if (!Array.isArray(predictions) || predictions.length === 0) throw new ArgumentError('averagePredictions', 'predictions', 'at least one', predictions);
  const n = predictions[0]!.probability.length;
  const bad = predictions.findIndex((p) => p?.probability?.length !== n);
  if (bad >= 0) throw new ArgumentError('averagePredictions', `predictions[${bad}].probability`, `${n} values`, predictions[bad]?.probability?.length);
  const probability = meanArrays(predictions.map((p) => p.probability))!;
  const gate = meanArrays(predictions.map((p) => p.gate));
  const lymphCount = meanArrays(predictions.map((p) => p.lymphCount));
  const expertKeys = [...new Set(predictions.flatMap((p) => Object.keys(p.experts ?? {})))];
  const experts = Object.fromEntries(expertKeys.map((k) => [k, meanArrays(predictions.map((p) => p.experts?.[k]))]));
  const attentionKeys = [...new Set(predictions.flatMap((p) => Object.keys(p.attention ?? {})))];
  const attention: Record<string, Float32Array[] | null> = {};
  for (const k of attentionKeys) {
    const per = predictions.map((p) => p.attention?.[k]);
    attention[k] = per.every((a) => Array.isArray(a) && a.length === n) ? Array.from({ length: n }, (_, i) => meanArrays(per.map((a) => a![i]))!) : null;
    if (attention[k]?.some((a) => a === null)) attention[k] = null;
  }
  return {
    probability,
    ...(gate === null ? {} : { gate }),
    ...(lymphCount === null ? {} : { lymphCount }),
    ...(expertKeys.length === 0 ? {} : { experts }),
    ...(attentionKeys.length === 0 ? {} : { attention }),
  };
}
