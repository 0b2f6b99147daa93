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

/**
 * Parse CSV text (RFC 4180) into records, keeping the line number where each record starts.
 *
 * Handles a UTF-8 byte-order mark, CRLF / LF / CR line ends, quoted fields with embedded separators, line
 * breaks and doubled quotes (`"a ""b"""` → `a "b"`). A blank line yields a record with one empty field; a
 * final line end does not yield an extra record. Fields are not trimmed.
 *
 * @param text - the file's text
 * @param options - see {@link ParseCsvOptions}
 * @returns the records in file order, header included
 * @throws {SyntaxError} on an unterminated quoted field or a quote inside an unquoted field, naming the file and line
 * @example
 * parseCsv('\uFEFFID,DOB\r\nP1,"1/2/1950"\r\n');
 * // [{ line: 1, fields: ['ID', 'DOB'] }, { line: 2, fields: ['P1', '1/2/1950'] }]
 */
export function parseCsv(text: string, options: ParseCsvOptions = {}): CsvRecord[] {
  const { delimiter = ',', fileName = '<csv>' } = options;
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\r' || delimiter === '\n') {
    throw new RangeError(
      `parseCsv: expected a one-character delimiter other than a quote or line end, got ${JSON.stringify(delimiter)}`,
    );
  }
  const records: CsvRecord[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  let line = 1;
  if (i >= n) return records;
  let recordLine = line;
  let fields: string[] = [];
  let field = '';
  let quoted = false; // inside a quoted field
  let wasQuoted = false; // the current field started with a quote and was closed
  const endRecord = (): void => {
    fields.push(field);
    records.push({ line: recordLine, fields });
    fields = [];
    field = '';
    wasQuoted = false;
  };
  while (i < n) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        wasQuoted = true;
        i++;
        continue;
      }
      if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line++;
      field += ch;
      i++;
      continue;
    }
    if (ch === delimiter) {
      fields.push(field);
      field = '';
      wasQuoted = false;
      i++;
    } else if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
    } else if (ch === '"') {
      if (field.length > 0 || wasQuoted) {
        const where = `${fileName} line ${line}`;
        throw new SyntaxError(`parseCsv: ${where}: unexpected quote inside field ${JSON.stringify(field)}`);
      }
      quoted = true;
      i++;
    } else {
      if (wasQuoted) {
        throw new SyntaxError(`parseCsv: ${fileName} line ${line}: text after a closing quote`);
      }
      field += ch;
      i++;
    }
  }
  if (quoted) {
    throw new SyntaxError(`parseCsv: ${fileName} line ${recordLine}: unterminated quoted field`);
  }
  // The last record, unless the text ended with a line break.
  const last = text[n - 1];
  if (!(last === '\n' || last === '\r') || fields.length > 0 || field.length > 0 || wasQuoted) endRecord();
  return records;
}
