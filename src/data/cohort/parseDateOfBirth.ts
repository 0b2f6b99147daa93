const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/; // M/D/YYYY
const DAY_FIRST_DATE = /^(\d{1,2})-(\d{1,2})-(\d{4})$/; // DD-MM-YYYY
const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/; // YYYY-MM-DD

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Parse a date of birth in one of the formats found in the challenge's clinical CSV files.
 *
 * Accepted (after trimming): `M/D/YYYY` (slashes: month first, US style, e.g. `7/4/1950`), `DD-MM-YYYY`
 * (dashes with the year last: day first, e.g. `15-08-1962`) and ISO `YYYY-MM-DD`. The separator decides the
 * order, so `02-03-1953` is 2 March while `2/3/1953` is 3 February. Impossible dates (month 13, 30 February,
 * 29 February of a non-leap year) are rejected.
 *
 * @param text - the raw DOB field
 * @returns the date as ISO `YYYY-MM-DD`, or `null` when the text is not a valid date in an accepted format
 * @example
 * parseDateOfBirth('7/4/1950'); // '1950-07-04'
 * parseDateOfBirth('15-08-1962'); // '1962-08-15'
 * parseDateOfBirth('31/12/1950'); // null (slashes mean month first)
 */
export function parseDateOfBirth(text: string): string | null {
  const s = text.trim();
  let year: number;
  let month: number;
  let day: number;
  let m: RegExpExecArray | null;
  if ((m = US_DATE.exec(s)) !== null) {
    [month, day, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  } else if ((m = DAY_FIRST_DATE.exec(s)) !== null) {
    [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  } else if ((m = ISO_DATE.exec(s)) !== null) {
    [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  } else {
    return null;
  }
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
