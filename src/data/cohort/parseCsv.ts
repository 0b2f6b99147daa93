// csv-parse's browser build: self-contained (its own Buffer), so the same parser runs in Node and in browsers.
import { parse } from 'csv-parse/browser/esm/sync';
import { boundMessage, checkOptions, checkString, checkThat } from '../../core/index.js';

/** One record of a CSV file. */
export interface CsvRecord {
  /** 1-based line number where the record starts in the file (the header is usually line 1). */
  readonly line: number;
  /** The record's fields, unquoted, untrimmed. */
  readonly fields: string[];
}

/** Options of {@link parseCsv}. */
export interface ParseCsvOptions {
  /** Field separator, one character other than `"`, CR or LF. Defaults to `','`. */
  delimiter?: string;
  /** Name of the file, used in error messages. Defaults to `'<csv>'`. */
  fileName?: string;
}

/** What csv-parse's error codes mean, in this library's words. */
const MESSAGES: Readonly<Record<string, string>> = {
  CSV_QUOTE_NOT_CLOSED: 'unterminated quoted field',
  INVALID_OPENING_QUOTE: 'unexpected quote inside an unquoted field',
  CSV_INVALID_CLOSING_QUOTE: 'text after a closing quote',
};

/** Counts line breaks (CRLF, LF or a lone CR, each one) in `bytes[from, to)`. */
function countLineBreaks(bytes: Uint8Array, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const b = bytes[i];
    if (b === 0x0a) count++;
    else if (b === 0x0d && bytes[i + 1] !== 0x0a) count++;
  }
  return count;
}

/** Maps byte offsets of the UTF-8 text to 1-based line numbers, for offsets visited in increasing order. */
function lineCounter(bytes: Uint8Array): (offset: number) => number {
  let at = 0;
  let line = 1;
  return (offset) => {
    const to = Math.min(Math.max(offset, at), bytes.length);
    line += countLineBreaks(bytes, at, to);
    at = to;
    return line;
  };
}

/**
 * Parse CSV text (RFC 4180) into records, keeping the line number where each record starts. The parsing is
 * `csv-parse`'s (its synchronous API, which runs in browsers too); this function adds the start lines and
 * bounded errors that name the file and line.
 *
 * Handles a UTF-8 byte-order mark, CRLF / LF / CR line ends, quoted fields with embedded separators, line
 * breaks and doubled quotes (`"a ""b"""` → `a "b"`). A blank line yields a record with one empty field; a
 * final line end does not yield an extra record. Fields are not trimmed; records may have different field counts.
 *
 * @param text - the file's text
 * @param options - see {@link ParseCsvOptions}
 * @returns the records in file order, header included
 * @throws {SyntaxError} on an unterminated quoted field or a stray quote, naming the file and the line where the
 *   record starts (also as its `line` property); bounded in length
 * @throws {ArgumentError} when `text` is not a string or the delimiter is not one allowed character
 * @example
 * parseCsv('\uFEFFID,DOB\r\nP1,"1/2/1950"\r\n');
 * // [{ line: 1, fields: ['ID', 'DOB'] }, { line: 2, fields: ['P1', '1/2/1950'] }]
 */
export function parseCsv(text: string, options: ParseCsvOptions = {}): CsvRecord[] {
  const fn = 'parseCsv';
  checkString(fn, 'text', text, { allowEmpty: true });
  const { delimiter = ',', fileName = '<csv>' } = checkOptions(fn, options);
  checkThat(
    typeof delimiter === 'string' && delimiter.length === 1 && !'"\r\n'.includes(delimiter),
    fn,
    'options.delimiter',
    'one character other than a quote or a line end',
    delimiter,
  );
  // The same bytes as csv-parse's own Buffer.from(text): its byte offsets index them.
  const bytes = new TextEncoder().encode(text);
  const lineAt = lineCounter(bytes);
  let rows: { record: string[]; info: { bytes: number } }[];
  try {
    // With `info: true` each row is { record, info } (csv-parse's typings give string[][] whatever the options).
    rows = parse(text, { bom: true, delimiter, relax_column_count: true, info: true }) as unknown as typeof rows;
  } catch (e) {
    const error = e as Error & { code?: string; bytes_records?: number };
    // csv-parse's own line counts are off after CRLF inside quotes; the record's start offset is exact.
    const line = lineAt(error.bytes_records ?? 0);
    const what = (error.code !== undefined ? MESSAGES[error.code] : undefined) ?? error.message;
    throw Object.assign(new SyntaxError(boundMessage(`${fn}: ${fileName} line ${line}: ${what}`)), { line });
  }
  const records: CsvRecord[] = [];
  let start = 0;
  for (const { record, info } of rows) {
    records.push({ line: lineAt(start), fields: record });
    start = info.bytes;
  }
  return records;
}
