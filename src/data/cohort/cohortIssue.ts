/**
 * What a {@link CohortIssue} reports.
 * - `'invalid-row'`: a CSV row was skipped (`onInvalidRow: 'skip'`): bad field, wrong field count or duplicate ID.
 * - `'folder-without-row'`: a patient folder has no row in the CSV; its patient is left out (no clinical data).
 * - `'row-without-images'`: a CSV row has no folder or an empty one; left out unless `keepPatientsWithoutImages`.
 * - `'ignored-file'`: a file in a patient folder that is not an image (by extension) was not listed, or a file or
 *   folder whose name is not valid UTF-8 was skipped (the message names the folder and the name's bytes in hex).
 */
export type CohortIssueKind = 'invalid-row' | 'folder-without-row' | 'row-without-images' | 'ignored-file';

/** A problem found while loading a cohort that did not stop the load. */
export interface CohortIssue {
  /** What happened; see {@link CohortIssueKind}. */
  readonly kind: CohortIssueKind;
  /** Human-readable description naming the file, the line and the patient where known. */
  readonly message: string;
  /** The patient ID concerned, when known. */
  readonly id?: string;
  /** The CSV file, folder or file concerned. */
  readonly file?: string;
  /** 1-based line of the CSV row, for row issues. */
  readonly line?: number;
}
