import { describe, expect, it } from 'vitest';
import { ageAt, DEFAULT_REFERENCE_DATE } from '../../../src/data/cohort/ageAt.js';

describe('ageAt', () => {
  it('is the day difference over 365.25 (leap days counted)', () => {
    // 1950-01-01 -> 2000-01-01: 50·365 + 12 leap days = 18262 days.
    expect(ageAt('1950-01-01', '2000-01-01')).toBeCloseTo(18262 / 365.25, 12);
    expect(ageAt('2000-02-29', '2000-03-01')).toBeCloseTo(1 / 365.25, 12);
  });

  it('uses the documented fixed default reference date, not today', () => {
    expect(DEFAULT_REFERENCE_DATE).toBe('2024-01-01');
    expect(ageAt('1974-01-01')).toBe(ageAt('1974-01-01', '2024-01-01'));
    expect(ageAt('1974-01-01', new Date(Date.UTC(2024, 0, 1)))).toBe(ageAt('1974-01-01'));
  });

  it('is zero on the birth date and negative before it', () => {
    expect(ageAt('2000-05-05', '2000-05-05')).toBe(0);
    expect(ageAt('2000-05-06', '2000-05-05')).toBeLessThan(0);
  });

  it('rejects invalid dates, naming the value', () => {
    expect(() => ageAt('1950-02-30')).toThrow(/ageAt: .*dateOfBirth.*"1950-02-30"/);
    expect(() => ageAt('1950-01-01', '01/01/2024')).toThrow(/referenceDate.*"01\/01\/2024"/);
    expect(() => ageAt('1950-01-01', new Date(Number.NaN))).toThrow(/Invalid Date/);
  });
});
