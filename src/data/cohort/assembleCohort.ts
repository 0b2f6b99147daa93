import type { Cohort } from './cohort.js';
import { CohortError } from './cohortError.js';
import type { CohortIssue } from './cohortIssue.js';
import type { CohortOptions } from './cohortOptions.js';
import type { ClinicalTable } from './parseClinicalCsv.js';
import type { ImageRef, Patient } from './patient.js';

/** The images found for one patient ID. */
export interface PatientFolder {
  /** Where the images were found (folder path, relative path or URL prefix), for messages. */
  readonly path: string;
  /** The patient's image references, in order. */
  readonly images: readonly ImageRef[];
}

/** A parsed CSV and where it came from. */
export interface SourcedTable {
  readonly file: string;
  readonly table: ClinicalTable;
}

/**
 * Join clinical records with image folders (internal to the cohort loaders).
 *
 * Patients come out in CSV order. A row without a folder (or with an empty one) and a folder without a row are
 * reported in `issues`, never dropped silently. Rows whose ID has a folder in another split of the release
 * layout (`otherSplitIds`) belong to that split and are passed over. Several tables (one per split) are merged;
 * an ID in two of them is an invalid row.
 */
export function assembleCohort(
  tables: readonly SourcedTable[],
  folders: ReadonlyMap<string, PatientFolder>,
  otherSplitIds: ReadonlySet<string>,
  extraIssues: readonly CohortIssue[],
  options: CohortOptions,
  fnName: string,
): Cohort {
  const { keepPatientsWithoutImages = false, onInvalidRow = 'error' } = options;
  const patients: Patient[] = [];
  const issues: CohortIssue[] = [];
  for (const t of tables) issues.push(...t.table.issues);
  issues.push(...extraIssues);
  const used = new Map<string, string>();
  for (const { file, table } of tables) {
    for (const record of table.records) {
      const { id, line } = record;
      const firstFile = used.get(id);
      if (firstFile !== undefined) {
        const message = `${file} line ${line} (ID ${id}): duplicate ID (already in ${firstFile})`;
        if (onInvalidRow === 'error') throw new CohortError(`${fnName}: ${message}`, file, line);
        issues.push({ kind: 'invalid-row', message: `skipped ${message}`, id, file, line });
        continue;
      }
      used.set(id, file);
      const folder = folders.get(id);
      if (folder === undefined && otherSplitIds.has(id)) continue;
      const images = folder?.images ?? [];
      if (images.length === 0) {
        const tail = keepPatientsWithoutImages ? '' : '; left out';
        issues.push({
          kind: 'row-without-images',
          message:
            folder === undefined
              ? `${file} line ${line}: patient ${id} has no image folder${tail}`
              : `${file} line ${line}: patient ${id} has an empty image folder ${folder.path}${tail}`,
          id,
          file,
          line,
        });
        if (!keepPatientsWithoutImages) continue;
      }
      const { label, gender, dateOfBirth, age, lymphCount } = record;
      patients.push(
        label === undefined
          ? { id, gender, dateOfBirth, age, lymphCount, images }
          : { id, label, gender, dateOfBirth, age, lymphCount, images },
      );
    }
  }
  const csvNames = tables.map((t) => t.file).join(', ');
  for (const [id, folder] of folders) {
    if (!used.has(id)) {
      issues.push({
        kind: 'folder-without-row',
        message: `patient folder ${folder.path} (${folder.images.length} images) has no row in ${csvNames}; left out`,
        id,
        file: folder.path,
      });
    }
  }
  return { patients, issues, csvFiles: tables.map((t) => t.file) };
}
