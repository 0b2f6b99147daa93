import { ArgumentError, checkArray, checkBoolean, checkOneOf, checkOptions, checkString } from '../../core/index.js';
import { ageAt } from './ageAt.js';
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

/**
 * Checks the {@link CohortOptions} of a cohort loader up front, so that a bad option fails before any file is read.
 *
 * @param fn - the loader the user called, e.g. `'loadCohort'`
 * @param options - the options as given
 * @returns the options (`{}` for `undefined`)
 * @throws {ArgumentError} naming `fn` and `options.<name>`
 */
export function checkCohortOptions<T extends CohortOptions>(fn: string, options: T | undefined): T {
  const o = checkOptions(fn, options);
  if (o.referenceDate !== undefined) {
    try {
      ageAt('2000-01-01', o.referenceDate);
    } catch {
      throw new ArgumentError(fn, 'options.referenceDate', 'a valid ISO date YYYY-MM-DD or a valid Date', o.referenceDate);
    }
  }
  if (o.onInvalidRow !== undefined) checkOneOf(fn, 'options.onInvalidRow', o.onInvalidRow, ['error', 'skip'] as const);
  if (o.keepPatientsWithoutImages !== undefined) checkBoolean(fn, 'options.keepPatientsWithoutImages', o.keepPatientsWithoutImages);
  if (o.imageExtensions !== undefined) {
    checkArray(fn, 'options.imageExtensions', o.imageExtensions, {
      each: (e, i) => checkString(fn, `options.imageExtensions[${i}]`, e),
    });
  }
  if (o.split !== undefined) checkOneOf(fn, 'options.split', o.split, ['train', 'test', 'all'] as const);
  return o;
}
