import type { BagPrediction } from '../estimator/index.js';

/** The per-patient entries of one fold's prediction and where its patients sit in the input. */
export interface FoldPrediction<P extends BagPrediction> {
  /** Input indices of the fold's patients, in the order of the prediction. */
  readonly indices: readonly number[];
  /** The fitted model's prediction of those patients. */
  readonly prediction: P;
}

type PerPatient = Float32Array | readonly unknown[];

function isPerPatient(value: unknown, length: number): value is PerPatient {
  return (value instanceof Float32Array || Array.isArray(value)) && value.length === length;
}

/** Scatters one field of every fold into an array over all patients, or `null` when a fold lacks it. */
function scatter(parts: readonly { indices: readonly number[]; value: unknown }[], n: number): Float32Array | unknown[] | null {
  if (parts.some((p) => !isPerPatient(p.value, p.indices.length))) return null;
  const typed = parts.every((p) => p.value instanceof Float32Array);
  const out: Float32Array | unknown[] = typed ? new Float32Array(n).fill(Number.NaN) : new Array<unknown>(n).fill(null);
  for (const { indices, value } of parts) {
    const v = value as PerPatient;
    indices.forEach((i, j) => {
      (out as unknown[])[i] = v[j];
    });
  }
  return out;
}

/**
 * Assembles the out-of-fold predictions of one repeat into one prediction in input order: `probability` and every
 * other per-patient `Float32Array` field (e.g. `logit`, `gate`, `lymphCount`), and the per-key fields `experts`
 * and `attention`. A field that some fold lacks (or has as `null`) is `null`; fields that are not per patient
 * (e.g. an ensemble's `members`) are left out.
 *
 * @param folds - Every fold of the repeat (together they cover each patient once).
 * @param n - Number of patients.
 * @returns The assembled prediction.
 */
export function collectOutOfFold<P extends BagPrediction>(folds: readonly FoldPrediction<P>[], n: number): P {
  const out: Record<string, unknown> = {};
  const first = (folds[0]?.prediction ?? {}) as unknown as Record<string, unknown>;
  for (const key of Object.keys(first)) {
    const values = folds.map((f) => ({ indices: f.indices, value: (f.prediction as unknown as Record<string, unknown>)[key] }));
    if (key === 'experts' || key === 'attention') {
      if (values.some((v) => v.value === null || typeof v.value !== 'object')) {
        out[key] = null;
        continue;
      }
      const record: Record<string, unknown> = {};
      for (const sub of Object.keys(values[0]?.value as object)) {
        record[sub] = scatter(values.map((v) => ({ indices: v.indices, value: (v.value as Record<string, unknown>)[sub] })), n);
      }
      out[key] = record;
    } else if (values.every((v) => v.value instanceof Float32Array) || values.some((v) => v.value === null)) {
      out[key] = scatter(values, n);
    }
  }
  return out as unknown as P;
}
