import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../src/data/cohort/parseCsv.js';

const fields = (text: string) => parseCsv(text).map((r) => r.fields);

describe('parseCsv', () => {
  it('splits records and fields with LF, CRLF and CR line ends', () => {
    expect(fields('a,b\nc,d\n')).toEqual([['a', 'b'], ['c', 'd']]);
    expect(fields('a,b\r\nc,d\r\n')).toEqual([['a', 'b'], ['c', 'd']]);
    expect(fields('a,b\rc,d')).toEqual([['a', 'b'], ['c', 'd']]);
  });

  it('strips a byte-order mark', () => {
    expect(fields('\uFEFFID,X\n1,2')).toEqual([['ID', 'X'], ['1', '2']]);
  });

  it('unquotes fields with separators, doubled quotes and line breaks, tracking start lines', () => {
    const records = parseCsv('h1,h2\r\n"a,b","say ""hi"""\r\n"multi\r\nline",x\r\nlast,"",\r\n');
    expect(records.map((r) => r.fields)).toEqual([
      ['h1', 'h2'],
      ['a,b', 'say "hi"'],
      ['multi\r\nline', 'x'],
      ['last', '', ''],
    ]);
    expect(records.map((r) => r.line)).toEqual([1, 2, 3, 5]);
  });

  it('keeps empty fields and blank lines; no record for the final line end', () => {
    expect(fields(',\n\nx')).toEqual([['', ''], [''], ['x']]);
    expect(fields('x\n')).toEqual([['x']]);
  });

  it('handles the empty text and a custom delimiter', () => {
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('\uFEFF')).toEqual([]);
    expect(parseCsv('a;b\n1;2', { delimiter: ';' }).map((r) => r.fields)).toEqual([['a', 'b'], ['1', '2']]);
  });

  it('rejects malformed quoting, naming the file and line', () => {
    expect(() => parseCsv('a\n"open', { fileName: 'x.csv' })).toThrow(/parseCsv: x\.csv line 2: unterminated/);
    expect(() => parseCsv('a\nb"c"', { fileName: 'x.csv' })).toThrow(/x\.csv line 2: unexpected quote/);
    expect(() => parseCsv('"a"b')).toThrow(/line 1: text after a closing quote/);
    expect(() => parseCsv('a', { delimiter: '"' })).toThrow(/parseCsv: expected a one-character delimiter/);
  });
});
