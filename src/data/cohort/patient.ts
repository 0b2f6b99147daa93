/**
 * A lazy reference to one image of a patient, never decoded by the cohort loaders: a file path (Node), a URL
 * string or `URL` (browsers, servers) or a `Blob` / `File` (browser folder picker). Every variant is accepted by
 * io's `decodeImage` (`ImageSource`).
 */
export type ImageRef = string | URL | Blob;

/** Sex as recorded in the clinical CSV, normalised to upper case. */
export type Gender = 'M' | 'F';

/** Diagnosis label: 1 = malignant lymphocytosis, 0 = reactive. */
export type PatientLabel = 0 | 1;

/** The clinical data of one patient, as read from the CSV (no images). */
export interface ClinicalRecord {
  /** Patient ID, e.g. `'P999'`; also the name of the patient's image folder. */
  readonly id: string;
  /** 1 = malignant, 0 = reactive; absent when the CSV gives −1 or nothing (unlabelled, e.g. the test set). */
  readonly label?: PatientLabel;
  /** Sex, `'M'` or `'F'` (the CSV may use any case, or `male` / `female`). */
  readonly gender: Gender;
  /** Date of birth as ISO `YYYY-MM-DD`. */
  readonly dateOfBirth: string;
  /** Age in years (decimal) at the loader's reference date; ≥ 0. */
  readonly age: number;
  /** Absolute lymphocyte count (LYMPH_COUNT, 10⁹ cells/L); finite, ≥ 0. */
  readonly lymphCount: number;
}

/** One patient of a cohort: clinical data plus lazy references to the patient's images. */
export interface Patient extends ClinicalRecord {
  /** The patient's images in file-name order; references only, nothing is decoded. */
  readonly images: readonly ImageRef[];
}
