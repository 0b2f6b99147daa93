import { describe, expect, it } from 'vitest';
import { ArgumentError, MAX_MESSAGE_LENGTH } from '../../../src/core/index.js';
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
    expect(() => parseCsv('a', { delimiter: '"' })).toThrow(/parseCsv: options\.delimiter must be one character/);
    expect(() => parseCsv('a', { delimiter: '"' })).toThrow(ArgumentError);
    expect(() => parseCsv(42 as unknown as string)).toThrow(/parseCsv: text must be a string, got 42/);
  });

  it('numbers lines of errors from where the record starts, counting CRLF inside quotes once', () => {
    const text = 'h\r\n"x\r\ny",1\r\n"x\r\ny",1\r\nb"c"';
    expect(() => parseCsv(text, { fileName: 'x.csv' })).toThrow(/^parseCsv: x\.csv line 6: unexpected quote/);
    expect(() => parseCsv('h\n"a\nb"\n"open\n\n', { fileName: 'x.csv' })).toThrow(/x\.csv line 4: unterminated quoted field/);
    try {
      parseCsv('a\n\n"x"y');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SyntaxError);
      expect((e as SyntaxError & { line: number }).line).toBe(3);
    }
  });

  it('counts lines with multi-byte characters before a record', () => {
    expect(parseCsv('é,ü\n"日本\n語",x\nlast').map((r) => r.line)).toEqual([1, 2, 4]);
  });

  it('bounds its messages: a binary file read as text does not make a huge message', () => {
    let state = 12345;
    const bytes = new Uint8Array(1 << 20).map(() => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state >>> 24;
    });
    const text = new TextDecoder('latin1').decode(bytes);
    let message = '';
    try {
      parseCsv(text, { fileName: 'image.jpg' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^parseCsv: image\.jpg line \d+: /);
    expect(message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
  });
});
