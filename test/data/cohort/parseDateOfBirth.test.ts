import { describe, expect, it } from 'vitest';
import { parseDateOfBirth } from '../../../src/data/cohort/parseDateOfBirth.js';

describe('parseDateOfBirth', () => {
  it('reads M/D/YYYY with slashes (month first)', () => {
    expect(parseDateOfBirth('7/4/1950')).toBe('1950-07-04');
    expect(parseDateOfBirth('12/25/1949')).toBe('1949-12-25');
    expect(parseDateOfBirth(' 1/2/2001 ')).toBe('2001-01-02');
  });

  it('reads DD-MM-YYYY with dashes (day first)', () => {
    expect(parseDateOfBirth('02-03-1953')).toBe('1953-03-02');
    expect(parseDateOfBirth('31-12-1960')).toBe('1960-12-31');
  });

  it('reads ISO YYYY-MM-DD', () => {
    expect(parseDateOfBirth('1960-12-31')).toBe('1960-12-31');
  });

  it('rejects impossible dates, including 29 February of a non-leap year', () => {
    expect(parseDateOfBirth('13/1/1950')).toBeNull(); // month 13
    expect(parseDateOfBirth('31/12/1950')).toBeNull(); // slashes are month-first
    expect(parseDateOfBirth('30-02-1950')).toBeNull();
    expect(parseDateOfBirth('29-02-1900')).toBeNull();
    expect(parseDateOfBirth('29-02-2000')).toBe('2000-02-29');
    expect(parseDateOfBirth('0/10/1950')).toBeNull();
  });

  it('rejects other formats and junk', () => {
    for (const s of ['', 'unknown', '1950', '4.7.1950', '7/4/50', '1950/07/04', '7-4/1950', 'NaN']) {
      expect(parseDateOfBirth(s)).toBeNull();
    }
  });
});
