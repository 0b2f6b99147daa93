import { ArgumentError } from '../../core/index.js';

/**
 * The fixed reference date at which {@link ageAt} and the cohort loaders compute ages by default:
 * 1 January 2024 (UTC), the year of the challenge. Fixed, not "today", so that features are reproducible.
 */
export const DEFAULT_REFERENCE_DATE = '2024-01-01';

/** Mean length of a Gregorian-calendar year in days as used for ages (Julian year). */
const DAYS_PER_YEAR = 365.25;
const MS_PER_DAY = 86_400_000;

function toUtcMs(value: Date | string, what: string): number {
  if (value instanceof Date) {
    const t = value.getTime();
    if (Number.isNaN(t)) throw new ArgumentError('ageAt', what, 'a valid Date', 'Invalid Date');
    return t;
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const t = m === null ? Number.NaN : Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const back = Number.isNaN(t) ? '' : new Date(t).toISOString().slice(0, 10);
  if (back !== value) {
    throw new ArgumentError('ageAt', what, 'a valid ISO date YYYY-MM-DD or a Date', value);
  }
  return t;
}

/**
 * Age in years, as a decimal, of someone born on `dateOfBirth` at `referenceDate`:
 * (referenceDate − dateOfBirth) in days / 365.25, both taken at 00:00 UTC.
 *
 * @param dateOfBirth - ISO `YYYY-MM-DD` (e.g. from {@link parseDateOfBirth}) or a `Date`
 * @param referenceDate - ISO `YYYY-MM-DD` or a `Date`. Defaults to {@link DEFAULT_REFERENCE_DATE} (2024-01-01).
 * @returns the age in years; negative when the birth date is after the reference date
 * @throws {ArgumentError} naming `ageAt` and the argument when a date is not a valid ISO date or is an invalid `Date`
 * @example
 * ageAt('1950-01-01', '2000-01-01'); // 49.9986… (18262 days / 365.25)
 * ageAt('1950-07-04'); // 73.49… at the default reference date (26844 days / 365.25)
 */
export function ageAt(dateOfBirth: Date | string, referenceDate: Date | string = DEFAULT_REFERENCE_DATE): number {
  const born = toUtcMs(dateOfBirth, 'dateOfBirth');
  const ref = toUtcMs(referenceDate, 'referenceDate');
  return (ref - born) / MS_PER_DAY / DAYS_PER_YEAR;
}
