import { ArgumentError, checkArray, checkOneOf, checkOptions } from '../core/index.js';
import type { Patient } from '../data/index.js';
import { FEATURE_NAMES } from '../features/cell/index.js';
import type { InstanceMatrix, PatientBag } from './patientBag.js';

/**
 * The per-image handmade features {@link buildPatientBags} reads: what `extractFeaturesBatch` returns for each image
 * (only these three fields are read).
 */
export interface ImageFeaturesEntry {
  /** Position of the image in `patients.flatMap((p) => p.images)`. */
  readonly index: number;
  /** Segmentation outcome; only `'ok'` images have features. */
  readonly status: string;
  /** The features by name (the 51 of `FEATURE_NAMES`), or a vector in `featureNames` order; `null` when not `'ok'`. */
  readonly features: Readonly<Record<string, number>> | ArrayLike<number> | null;
}

/** A per-image embedding as {@link buildPatientBags} accepts it: the vector, `null` (failed image), or `embedImages`' entry. */
export type ImageEmbeddingEntry = ArrayLike<number> | null | { readonly embedding: ArrayLike<number> | null };

/** The patient fields {@link buildPatientBags} reads (a cohort `Patient` has them). */
export type PatientLike = Pick<Patient, 'id' | 'age' | 'lymphCount' | 'label'> & { readonly images: readonly unknown[] };

/** Options of {@link buildPatientBags}. */
export interface BuildPatientBagsOptions {
  /**
   * Per-image handmade features, e.g. `(await extractFeaturesBatch(patients.flatMap((p) => p.images))).results`:
   * entries in any order, each naming its image by `index` in the flattened image list; images without an `'ok'`
   * entry (failed, no nucleus, absent) are left out of the patient's `handmade` matrix. Defaults to none (no
   * `handmade`).
   */
  readonly features?: readonly ImageFeaturesEntry[] | undefined;
  /**
   * Per-image embeddings, one per image of the flattened list, in that order (a vector, `null` for a failed image,
   * or `embedImages`' `{ embedding }` entries); failed images are left out of the patient's `images` matrix.
   * Defaults to none (no `images`).
   */
  readonly embeddings?: readonly ImageEmbeddingEntry[] | undefined;
  /** Feature order of the `handmade` columns (and of vector features). Defaults to `FEATURE_NAMES` (51). */
  readonly featureNames?: readonly string[] | undefined;
  /**
   * A patient with no usable image (no `'ok'` features when `features` are given, or no embedding when
   * `embeddings` are given): `'error'` throws naming the patient; `'skip'` leaves the patient out of the result.
   * Defaults to `'error'`.
   */
  readonly onEmptyPatient?: 'error' | 'skip' | undefined;
}

const FN = 'buildPatientBags';

function finiteRow(values: ArrayLike<number>, length: number, what: string, field: (j: number) => string): Float32Array {
  if (values.length !== length) throw new ArgumentError(FN, what, `${length} values`, values);
  const row = new Float32Array(length);
  for (let j = 0; j < length; j++) {
    const v = values[j];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ArgumentError(FN, field(j), 'a finite number', v);
    row[j] = v;
  }
  return row;
}

function matrix(rows: readonly Float32Array[], cols: number): InstanceMatrix {
  const data = new Float32Array(rows.length * cols);
  rows.forEach((r, i) => data.set(r, i * cols));
  return { data, rows: rows.length, cols };
}

/**
 * The one way from a cohort to model inputs: one {@link PatientBag} per patient, with its clinical data, the
 * handmade features of its usable images (`handmade` [M, F]) and, optionally, the embeddings of its images
 * (`images` [N, D]).
 *
 * Metadata convention (the only one in the library): a bag holds the **raw** lymphocyte count (10⁹/L) and the age
 * in years, as the cohort records them; the models (`createMixtureBatch`, `adaptNormalization`, the logistic
 * regression estimator) use age and **log(1 + count)**, so nothing upstream transforms the count.
 *
 * @param patients - Cohort patients (`loadCohort(...).patients`, or anything with `id`, `age`, `lymphCount`,
 *   `label` and an `images` list); the per-image inputs refer to `patients.flatMap((p) => p.images)`.
 * @param options - See {@link BuildPatientBagsOptions}.
 * @returns The bags, in patient order (patients skipped by `onEmptyPatient: 'skip'` left out).
 * @throws {ArgumentError} naming `buildPatientBags`, the argument and the patient or image: an index out of range
 *   or given twice, a non-finite value, inconsistent widths, a patient with no usable image (by default).
 * @example
 * ```ts
 * const { patients } = await loadCohort('trainset');
 * const { results } = await extractFeaturesBatch(patients.flatMap((p) => p.images), { cacheDir });
 * const bags = buildPatientBags(patients, { features: results });
 * ```
 */
export function buildPatientBags(patients: readonly PatientLike[], options: BuildPatientBagsOptions = {}): PatientBag[] {
  checkOptions(FN, options);
  checkArray(FN, 'patients', patients);
  const onEmpty = checkOneOf(FN, 'options.onEmptyPatient', options.onEmptyPatient ?? 'error', ['error', 'skip'] as const);
  const names = options.featureNames ?? FEATURE_NAMES;
  checkArray(FN, 'options.featureNames', names, { minLength: 1 });
  const first: number[] = [];
  let total = 0;
  patients.forEach((p, i) => {
    if (typeof p !== 'object' || p === null || typeof p.id !== 'string' || !Array.isArray(p.images)) {
      throw new ArgumentError(FN, `patients[${i}]`, 'a patient with an id and an images list', p);
    }
    if (!Number.isFinite(p.age) || !Number.isFinite(p.lymphCount) || p.lymphCount < 0) {
      throw new ArgumentError(FN, `patient ${p.id}`, 'a finite age and a lymphCount ≥ 0', { age: p.age, lymphCount: p.lymphCount });
    }
    if (p.label !== undefined && p.label !== 0 && p.label !== 1) throw new ArgumentError(FN, `the label of patient ${p.id}`, '0, 1 or undefined', p.label);
    first.push(total);
    total += p.images.length;
  });
  const owner = new Int32Array(total);
  patients.forEach((p, i) => owner.fill(i, first[i] as number, (first[i] as number) + p.images.length));
  const where = (index: number): string => {
    const p = patients[owner[index] as number] as PatientLike;
    return `image ${index - (first[owner[index] as number] as number)} of patient ${p.id}`;
  };
  /** `patient P12, <what> of image 3`: the patient first, then the field, then the image within the patient. */
  const field = (index: number, what: string): string => {
    const p = patients[owner[index] as number] as PatientLike;
    return `patient ${p.id}, ${what} of image ${index - (first[owner[index] as number] as number)}`;
  };

  const handmade: Float32Array[][] | null = options.features === undefined ? null : patients.map(() => []);
  if (options.features !== undefined) {
    checkArray(FN, 'options.features', options.features);
    const seen = new Uint8Array(total);
    const rows: (Float32Array | null)[] = new Array<Float32Array | null>(total).fill(null);
    options.features.forEach((entry, k) => {
      if (typeof entry !== 'object' || entry === null || !('status' in entry) || !('features' in entry)) {
        throw new ArgumentError(FN, `options.features[${k}]`, 'a feature result { index, status, features }', entry);
      }
      const { index } = entry;
      if (!Number.isInteger(index) || index < 0 || index >= total) {
        throw new ArgumentError(FN, `options.features[${k}].index`, `an image index in [0, ${total}) (the patients have ${total} images)`, index);
      }
      if (seen[index] === 1) throw new ArgumentError(FN, `options.features[${k}].index`, `given once (${where(index)} appears twice)`, index);
      seen[index] = 1;
      if (entry.status !== 'ok' || entry.features === null) return;
      const f = entry.features;
      const vector = isArrayLike(f) ? f : names.map((n) => (f as Readonly<Record<string, number>>)[n] as number);
      rows[index] = finiteRow(vector, names.length, `the features of ${where(index)}`, (j) => field(index, `handmade feature '${names[j] as string}'`));
    });
    rows.forEach((r, index) => {
      if (r !== null) (handmade as Float32Array[][])[owner[index] as number]?.push(r);
    });
  }

  const images: Float32Array[][] | null = options.embeddings === undefined ? null : patients.map(() => []);
  let dim = -1;
  if (options.embeddings !== undefined) {
    const embeddings = checkArray<ImageEmbeddingEntry>(FN, 'options.embeddings', options.embeddings);
    if (embeddings.length !== total) {
      throw new ArgumentError(FN, 'options.embeddings', `one entry per image (${total})`, embeddings);
    }
    embeddings.forEach((entry, index) => {
      const vector = entry !== null && typeof entry === 'object' && 'embedding' in entry ? entry.embedding : (entry as ArrayLike<number> | null);
      if (vector === null || vector === undefined) return;
      if (!isArrayLike(vector)) throw new ArgumentError(FN, `the embedding of ${where(index)}`, 'a vector or null', vector);
      if (dim < 0) dim = vector.length;
      if (dim < 1) throw new ArgumentError(FN, `the embedding of ${where(index)}`, 'a vector of at least 1 value', vector);
      (images as Float32Array[][])[owner[index] as number]?.push(finiteRow(vector, dim, `the embedding of ${where(index)}`, (j) => field(index, `embedding value ${j}`)));
    });
  }

  const bags: PatientBag[] = [];
  patients.forEach((p, i) => {
    const h = handmade?.[i];
    const e = images?.[i];
    if ((h !== undefined && h.length === 0) || (e !== undefined && e.length === 0)) {
      if (onEmpty === 'skip') return;
      const what = h !== undefined && h.length === 0 ? "features (status 'ok')" : 'an embedding';
      throw new ArgumentError(
        FN,
        `patient ${p.id}`,
        `one with at least one image with ${what}; onEmptyPatient: 'skip' leaves such patients out`,
        `${p.images.length} image(s), none usable`,
      );
    }
    bags.push({
      id: p.id,
      label: p.label,
      age: p.age,
      lymphCount: p.lymphCount,
      images: e === undefined ? undefined : matrix(e, dim),
      handmade: h === undefined ? undefined : matrix(h, names.length),
    });
  });
  return bags;
}

function isArrayLike(value: unknown): value is ArrayLike<number> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

