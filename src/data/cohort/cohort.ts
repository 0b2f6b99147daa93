import type { CohortIssue } from './cohortIssue.js';
import type { Patient } from './patient.js';

/** The result of loading a cohort. */
export interface Cohort {
  /** Patients in CSV row order, each with at least one image unless `keepPatientsWithoutImages` was set. */
  readonly patients: readonly Patient[];
  /** Everything that was skipped or looked wrong, in the order found; empty for a clean cohort. */
  readonly issues: readonly CohortIssue[];
  /** The CSV file(s) the clinical data came from (paths in Node, relative paths or URLs in browsers). */
  readonly csvFiles: readonly string[];
}
