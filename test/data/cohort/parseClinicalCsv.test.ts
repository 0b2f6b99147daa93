import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_LENGTH } from '../../../src/core/index.js';
import { CohortError } from '../../../src/data/cohort/cohortError.js';
import { parseClinicalCsv } from '../../../src/data/cohort/parseClinicalCsv.js';

const H = 'ID,LABEL,GENDER,DOB,LYMPH_COUNT';

describe('parseClinicalCsv', () => {
  it('types every field and keeps line numbers', () => {
    const { records, issues } = parseClinicalCsv(`${H}\nA1,1,M,7/4/1950,12.5\nA2,0,f,02-03-1953,3\n`);
    expect(issues).toEqual([]);
    expect(records).toEqual([
      { id: 'A1', label: 1, gender: 'M', dateOfBirth: '1950-07-04', age: expect.closeTo(26844 / 365.25, 9), lymphCount: 12.5, line: 2 },
      { id: 'A2', label: 0, gender: 'F', dateOfBirth: '1953-03-02', age: expect.closeTo(25872 / 365.25, 9), lymphCount: 3, line: 3 },
    ]);
  });

  it('leaves label out for -1, an empty LABEL, or no LABEL column', () => {
    const r1 = parseClinicalCsv(`${H}\nA1,-1,M,7/4/1950,1\nA2,,M,7/4/1950,1`).records;
    expect(r1.map((r) => 'label' in r)).toEqual([false, false]);
    const r2 = parseClinicalCsv('ID,GENDER,DOB,LYMPH_COUNT\nA1,M,7/4/1950,1').records;
    expect(r2[0]).not.toHaveProperty('label');
  });

  it('matches columns by name in any order and case, ignoring unnamed and extra columns', () => {
    const { records } = parseClinicalCsv(' lymph_count ,dob,,Gender,id,Label,NOTE\n4.5,7/4/1950,x,F,A9,1,hello\n');
    expect(records[0]).toMatchObject({ id: 'A9', label: 1, gender: 'F', lymphCount: 4.5 });
  });

  it('computes ages at a configurable reference date', () => {
    const { records } = parseClinicalCsv(`${H}\nA1,1,M,1-1-1950,1`, { referenceDate: '2000-01-01' });
    expect(records[0]?.age).toBeCloseTo(18262 / 365.25, 12);
    expect(() => parseClinicalCsv(H, { referenceDate: 'soon' })).toThrow(/^parseClinicalCsv: options\.referenceDate must be a valid ISO date.*"soon"/);
  });

  it('throws CohortError with file and line, or skips with an issue', () => {
    const text = `${H}\nA1,1,M,7/4/1950,1\nA2,1,M,7/4/1950,-2\n`;
    try {
      parseClinicalCsv(text, { fileName: 'c.csv' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CohortError);
      expect((e as CohortError).line).toBe(3);
      expect((e as CohortError).file).toBe('c.csv');
      expect((e as Error).message).toMatch(/^parseClinicalCsv: c\.csv line 3 \(ID A2\): LYMPH_COUNT must be ≥ 0/);
    }
    const { records, issues } = parseClinicalCsv(text, { fileName: 'c.csv', onInvalidRow: 'skip' });
    expect(records.map((r) => r.id)).toEqual(['A1']);
    expect(issues).toEqual([
      { kind: 'invalid-row', message: expect.stringMatching(/c\.csv line 3 \(ID A2\)/), file: 'c.csv', line: 3, id: 'A2' },
    ]);
  });

  it('rejects an empty file, a duplicated column and an unknown policy', () => {
    expect(() => parseClinicalCsv('')).toThrow(/<csv> is empty/);
    expect(() => parseClinicalCsv('\n\n')).toThrow(/is empty/);
    expect(() => parseClinicalCsv('ID,ID,GENDER,DOB,LYMPH_COUNT')).toThrow(/duplicate column ID/);
    expect(() => parseClinicalCsv(H, { onInvalidRow: 'warn' as 'skip' })).toThrow(/onInvalidRow .*"warn"/);
  });

  it('bounds its messages for a binary file read as CSV (with and without stray quotes)', () => {
    let state = 7;
    const random = (n: number, noQuotes: boolean) =>
      new TextDecoder('latin1').decode(
        new Uint8Array(n).map(() => {
          state = (Math.imul(state, 1103515245) + 12345) >>> 0;
          const b = state >>> 24;
          return noQuotes && b === 0x22 ? 0x20 : b;
        }),
      );
    for (const text of [random(1 << 20, false), random(1 << 20, true)]) {
      let error: unknown;
      try {
        parseClinicalCsv(text, { fileName: 'scan.jpg' });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CohortError);
      expect((error as Error).message).toMatch(/^parseClinicalCsv: scan\.jpg line \d+/);
      expect((error as Error).message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
      expect((error as CohortError).line).toBeGreaterThanOrEqual(1);
    }
  });

  it('accepts a header-only file as an empty cohort', () => {
    expect(parseClinicalCsv(`${H}\r\n`).records).toEqual([]);
  });

  it.each([
    ['non-numeric count', 'A1,1,M,7/4/1950,many', /LYMPH_COUNT must be a non-negative number, got "many"/],
    ['empty count', 'A1,1,M,7/4/1950,', /LYMPH_COUNT must be a non-negative number, got ""/],
    ['hex count', 'A1,1,M,7/4/1950,0x10', /got "0x10"/],
    ['infinite count', 'A1,1,M,7/4/1950,1e999', /got "1e999"/],
    ['bad label', 'A1,2,M,7/4/1950,1', /LABEL must be 1 .* got "2"/],
    ['bad gender', 'A1,1,X,7/4/1950,1', /GENDER must be M or F .* got "X"/],
    ['future DOB', 'A1,1,M,7/4/2050,1', /DOB 2050-07-04 is after the reference date/],
    ['empty ID', ',1,M,7/4/1950,1', /line 2: empty ID/],
    ['short row', 'A1,1,M', /expected 5 fields like the header, got 3/],
  ])('reports a row with %s', (_name, row, message) => {
    expect(() => parseClinicalCsv(`${H}\n${row}`)).toThrow(message);
  });
});
