import { ArgumentError, boundMessage, checkOneOf, checkOptions, checkString, describeValue } from '../../core/index.js';
import { ageAt, DEFAULT_REFERENCE_DATE } from './ageAt.js';
import { CohortError } from './cohortError.js';
import type { CohortIssue } from './cohortIssue.js';
import { parseCsv } from './parseCsv.js';
import { parseDateOfBirth } from './parseDateOfBirth.js';
import type { ClinicalRecord, Gender, PatientLabel } from './patient.js';

/** What to do with a CSV row that cannot be read. */
export type InvalidRowPolicy = 'error' | 'skip';

/** Options of {@link parseClinicalCsv}. */
export interface ParseClinicalCsvOptions {
  /** Name or path of the file, used in messages and issues. Defaults to `'<csv>'`. */
  fileName?: string;
  /**
   * Date at which ages are computed (ISO `YYYY-MM-DD` or `Date`).
   * Defaults to `DEFAULT_REFERENCE_DATE` (2024-01-01, fixed so that ages are reproducible).
   */
  referenceDate?: Date | string;
  /**
   * `'error'` throws a {@link CohortError} at the first invalid row; `'skip'` leaves the row out and reports it
   * as an `'invalid-row'` issue. A missing column always throws. Defaults to `'error'`.
   */
  onInvalidRow?: InvalidRowPolicy;
  /** Name of the calling function, for messages. Defaults to `'parseClinicalCsv'`. */
  fnName?: string;
}

/** A parsed clinical CSV. */
export interface ClinicalTable {
  /** Valid rows in file order, with the line each came from. */
  readonly records: ReadonlyArray<ClinicalRecord & { readonly line: number }>;
  /** Rows skipped under `onInvalidRow: 'skip'`. */
  readonly issues: readonly CohortIssue[];
}

/** Required columns; LABEL is optional (absent means every patient is unlabelled). */
const REQUIRED = ['ID', 'GENDER', 'DOB', 'LYMPH_COUNT'] as const;
const NUMBER = /^\+?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

class RowError extends Error {}

function parseLabel(raw: string): PatientLabel | undefined {
  const s = raw.trim();
  if (s === '') return undefined;
  const v = NUMBER.test(s.replace(/^-/, '')) ? Number(s) : Number.NaN;
  if (v === 1) return 1;
  if (v === 0) return 0; // also turns -0 into 0
  if (v === -1) return undefined;
  throw new RowError(`LABEL must be 1 (malignant), 0 (reactive) or -1 (unknown), got ${describeValue(raw)}`);
}

function parseGender(raw: string): Gender {
  const s = raw.trim().toLowerCase();
  if (s === 'm' || s === 'male') return 'M';
  if (s === 'f' || s === 'female') return 'F';
  throw new RowError(`GENDER must be M or F (any case), got ${describeValue(raw)}`);
}

function parseLymphCount(raw: string): number {
  const s = raw.trim();
  if (s.startsWith('-') && NUMBER.test(s.slice(1))) {
    throw new RowError(`LYMPH_COUNT must be ≥ 0, got negative ${describeValue(raw)}`);
  }
  const v = NUMBER.test(s) ? Number(s) : Number.NaN;
  if (!Number.isFinite(v)) throw new RowError(`LYMPH_COUNT must be a non-negative number, got ${describeValue(raw)}`);
  return v;
}

/**
 * Parse the clinical CSV of the lymphocytosis challenge (`trainset_true.csv`, `testset_data.csv`,
 * `clinical_annotation.csv`) into typed, validated records.
 *
 * Columns are matched by name, case-insensitively and ignoring surrounding spaces: `ID`, `GENDER`, `DOB` and
 * `LYMPH_COUNT` are required, `LABEL` is optional, other columns (such as an unnamed pandas index column) are
 * ignored. Quirks handled: BOM, CRLF, quoted fields, blank lines, gender in any case, DOB as `M/D/YYYY` or
 * `DD-MM-YYYY` (or ISO) in the same file (see {@link parseDateOfBirth}), LABEL −1 or empty meaning unlabelled.
 * A row is invalid when its field count differs from the header's, its ID is empty or already used, or a field
 * does not parse (DOB after the reference date, negative or non-numeric LYMPH_COUNT, …).
 *
 * @param text - the CSV text
 * @param options - see {@link ParseClinicalCsvOptions}
 * @returns valid records (with their line numbers) and the issues of skipped rows
 * @throws {CohortError} on a missing or duplicated column, an empty file, or (policy `'error'`) an invalid row;
 *   the message names the file and line, e.g. `loadCohort: /data/trainset_true.csv line 7 (ID P3): unparsable DOB "31/31/1990"`
 * @example
 * const { records } = parseClinicalCsv('ID,LABEL,GENDER,DOB,LYMPH_COUNT\nP1,1,f,15-08-1962,7.5\n');
 * // records[0]: { id: 'P1', label: 1, gender: 'F', dateOfBirth: '1962-08-15', age: 61.38…, lymphCount: 7.5, line: 2 }
 */
export function parseClinicalCsv(text: string, options: ParseClinicalCsvOptions = {}): ClinicalTable {
  const fnName = options?.fnName ?? 'parseClinicalCsv';
  checkString(fnName, 'text', text, { allowEmpty: true });
  const { fileName = '<csv>', referenceDate = DEFAULT_REFERENCE_DATE, onInvalidRow = 'error' } = checkOptions(fnName, options);
  checkOneOf(fnName, 'options.onInvalidRow', onInvalidRow, ['error', 'skip'] as const);
  try {
    ageAt('2000-01-01', referenceDate); // validates the reference date up front
  } catch {
    throw new ArgumentError(fnName, 'options.referenceDate', 'a valid ISO date YYYY-MM-DD or a valid Date', referenceDate);
  }
  let rows;
  try {
    rows = parseCsv(text, { fileName });
  } catch (e) {
    const line = (e as { line?: unknown }).line;
    const message = `${fnName}: ${(e as Error).message.replace(/^parseCsv: /, '')}`;
    throw new CohortError(message, fileName, typeof line === 'number' ? line : undefined);
  }
  const header = rows[0];
  if (header === undefined || (header.fields.length === 1 && header.fields[0]?.trim() === '')) {
    const message = `${fnName}: ${fileName} is empty (expected a header with ID, GENDER, DOB, LYMPH_COUNT)`;
    throw new CohortError(message, fileName, 1);
  }
  const names = header.fields.map((f) => f.trim().toUpperCase());
  const column = new Map<string, number>();
  names.forEach((name, i) => {
    if (name === '') return;
    if (column.has(name)) {
      const message = `${fnName}: ${fileName} line ${header.line}: duplicate column ${name}`;
      throw new CohortError(message, fileName, header.line);
    }
    column.set(name, i);
  });
  const missing = REQUIRED.filter((name) => !column.has(name));
  if (missing.length > 0) {
    throw new CohortError(
      `${fnName}: ${fileName} line ${header.line}: missing column(s) ${missing.join(', ')} (header: ${describeValue(header.fields.join(','), 200)})`,
      fileName,
      header.line,
    );
  }
  const col = (name: string): number => column.get(name) ?? -1;
  const [iId, iGender, iDob, iCount, iLabel] = [col('ID'), col('GENDER'), col('DOB'), col('LYMPH_COUNT'), col('LABEL')];

  const records: Array<ClinicalRecord & { line: number }> = [];
  const issues: CohortIssue[] = [];
  const seen = new Map<string, number>();
  for (const { line, fields } of rows.slice(1)) {
    if (fields.every((f) => f.trim() === '')) continue; // blank line
    const id = (fields[iId] ?? '').trim();
    try {
      if (fields.length !== names.length) {
        throw new RowError(`expected ${names.length} fields like the header, got ${fields.length}`);
      }
      if (id === '') throw new RowError('empty ID');
      const first = seen.get(id);
      if (first !== undefined) throw new RowError(`duplicate ID (first on line ${first})`);
      const label = iLabel >= 0 ? parseLabel(fields[iLabel] ?? '') : undefined;
      const gender = parseGender(fields[iGender] ?? '');
      const dobRaw = fields[iDob] ?? '';
      const dateOfBirth = parseDateOfBirth(dobRaw);
      if (dateOfBirth === null) {
        throw new RowError(`unparsable DOB ${describeValue(dobRaw)} (expected M/D/YYYY, DD-MM-YYYY or YYYY-MM-DD)`);
      }
      const age = ageAt(dateOfBirth, referenceDate);
      if (age < 0) throw new RowError(`DOB ${dateOfBirth} is after the reference date`);
      const lymphCount = parseLymphCount(fields[iCount] ?? '');
      seen.set(id, line);
      records.push(
        label === undefined
          ? { id, gender, dateOfBirth, age, lymphCount, line }
          : { id, label, gender, dateOfBirth, age, lymphCount, line },
      );
    } catch (e) {
      if (!(e instanceof RowError)) throw e;
      const where = `${fileName} line ${line}${id === '' ? '' : ` (ID ${boundMessage(id, 40)})`}`;
      if (onInvalidRow === 'error') throw new CohortError(`${fnName}: ${where}: ${e.message}`, fileName, line);
      issues.push({
        kind: 'invalid-row',
        message: `skipped ${where}: ${e.message}`,
        file: fileName,
        line,
        ...(id === '' ? {} : { id }),
      });
    }
  }
  return { records, issues };
}
