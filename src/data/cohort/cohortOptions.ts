import type { InvalidRowPolicy } from './parseClinicalCsv.js';

/** Which split of the challenge's release layout (`trainset/`, `testset/`) to load. */
export type CohortSplit = 'train' | 'test' | 'all';

/** Options shared by every cohort loader. */
export interface CohortOptions {
  /**
   * Date at which ages are computed (ISO `YYYY-MM-DD` or `Date`).
   * Defaults to `DEFAULT_REFERENCE_DATE` (2024-01-01, fixed so that ages are reproducible).
   */
  referenceDate?: Date | string;
  /**
   * `'error'` throws a `CohortError` naming the file and line at the first invalid CSV row; `'skip'` leaves it
   * out and reports it in `issues`. Defaults to `'error'`.
   */
  onInvalidRow?: InvalidRowPolicy;
  /**
   * Keep patients whose CSV row has no images (with `images: []`) instead of leaving them out; either way they
   * are reported as `'row-without-images'` issues. Defaults to `false`.
   */
  keepPatientsWithoutImages?: boolean;
  /** Lower-case file extensions (with the dot) counted as images. Defaults to `IMAGE_EXTENSIONS`. */
  imageExtensions?: readonly string[];
  /**
   * For the release root (a folder holding `trainset/` and/or `testset/` beside `clinical_annotation.csv`):
   * which split's patient folders to load. Ignored for a folder of patient folders. Defaults to `'train'`.
   */
  split?: CohortSplit;
}
