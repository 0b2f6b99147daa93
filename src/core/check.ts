/**
 * The one checking module: every public function checks its arguments through these, so that the same rule gives
 * the same error class ({@link ArgumentError}) and the same wording everywhere, naming the public function and the
 * argument the user passed.
 *
 * @example
 * checkInteger('crossValidate', 'folds', options.folds, { min: 2 });
 * checkNumber('fitMixtureOfExperts', 'learningRate', lr, { min: 0, minExclusive: true });
 */
import { ArgumentError, describeValue } from './argumentError.js';

/** Bounds of a numeric check. */
export interface NumberBounds {
  /** Smallest allowed value. Defaults to no bound. */
  readonly min?: number;
  /** Largest allowed value. Defaults to no bound. */
  readonly max?: number;
  /** Whether `min` itself is excluded. Defaults to `false`. */
  readonly minExclusive?: boolean;
  /** Whether `max` itself is excluded. Defaults to `false`. */
  readonly maxExclusive?: boolean;
}

function rangeText(kind: string, b: NumberBounds): string {
  const lo = b.min === undefined ? '' : `${b.minExclusive ? '>' : '≥'} ${b.min}`;
  const hi = b.max === undefined ? '' : `${b.maxExclusive ? '<' : '≤'} ${b.max}`;
  if (lo && hi) return `${kind} ${lo} and ${hi}`;
  return lo || hi ? `${kind} ${lo || hi}` : kind;
}

function inBounds(v: number, b: NumberBounds): boolean {
  if (b.min !== undefined && (b.minExclusive ? !(v > b.min) : !(v >= b.min))) return false;
  if (b.max !== undefined && (b.maxExclusive ? !(v < b.max) : !(v <= b.max))) return false;
  return true;
}

/**
 * Checks a finite number, optionally within bounds.
 * @throws {ArgumentError} `fn: argument must be a finite number ≥ 0, got NaN`
 */
export function checkNumber(fn: string, argument: string, value: unknown, bounds: NumberBounds = {}): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !inBounds(value, bounds)) {
    throw new ArgumentError(fn, argument, rangeText('a finite number', bounds), value);
  }
  return value;
}

/**
 * Checks a safe integer, optionally within bounds.
 * @throws {ArgumentError} `fn: argument must be an integer ≥ 1, got 0.5`
 */
export function checkInteger(fn: string, argument: string, value: unknown, bounds: NumberBounds = {}): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || !inBounds(value, bounds)) {
    throw new ArgumentError(fn, argument, rangeText('an integer', bounds), value);
  }
  return value;
}

/** Checks an optional number: `undefined` gives `fallback`, anything else must pass {@link checkNumber}. */
export function optionalNumber(fn: string, argument: string, value: unknown, fallback: number, bounds: NumberBounds = {}): number {
  return value === undefined ? fallback : checkNumber(fn, argument, value, bounds);
}

/** Checks an optional integer: `undefined` gives `fallback`, anything else must pass {@link checkInteger}. */
export function optionalInteger(fn: string, argument: string, value: unknown, fallback: number, bounds: NumberBounds = {}): number {
  return value === undefined ? fallback : checkInteger(fn, argument, value, bounds);
}

/**
 * Checks that a value is one of a list of literals.
 * @throws {ArgumentError} `fn: argument must be one of 'mean', 'max', got 'avg'`
 */
export function checkOneOf<const T extends readonly (string | number | boolean)[]>(
  fn: string,
  argument: string,
  value: unknown,
  allowed: T,
): T[number] {
  if (!allowed.includes(value as T[number])) {
    throw new ArgumentError(fn, argument, `one of ${allowed.map((a) => describeValue(a)).join(', ')}`, value);
  }
  return value as T[number];
}

/** Checks a boolean. */
export function checkBoolean(fn: string, argument: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ArgumentError(fn, argument, 'true or false', value);
  return value;
}

/** Checks a non-empty string. */
export function checkString(fn: string, argument: string, value: unknown, { allowEmpty = false } = {}): string {
  if (typeof value !== 'string' || (!allowEmpty && value.length === 0)) {
    throw new ArgumentError(fn, argument, allowEmpty ? 'a string' : 'a non-empty string', value);
  }
  return value;
}

/** Checks a function (a callback option). */
export function checkFunction<F extends (...args: never[]) => unknown>(fn: string, argument: string, value: unknown): F {
  if (typeof value !== 'function') throw new ArgumentError(fn, argument, 'a function', value);
  return value as F;
}

/** Checks a plain options object (or `undefined`, which gives `{}`). */
export function checkOptions<T extends object>(fn: string, value: T | undefined, argument = 'options'): T {
  if (value === undefined) return {} as T;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ArgumentError(fn, argument, 'an options object', value);
  }
  return value;
}

/**
 * Checks an array, optionally of a minimum length, and each element with `each` (which throws for a bad element;
 * its index is passed so that the message can name it).
 * @throws {ArgumentError} `fn: images must be an array with at least 1 element, got an array of 0`
 */
export function checkArray<T>(
  fn: string,
  argument: string,
  value: unknown,
  { minLength = 0, each }: { minLength?: number; each?: (element: unknown, index: number) => void } = {},
): readonly T[] {
  if (!Array.isArray(value) || value.length < minLength) {
    const what = minLength > 0 ? `an array with at least ${minLength} element${minLength === 1 ? '' : 's'}` : 'an array';
    throw new ArgumentError(fn, argument, what, value);
  }
  if (each) value.forEach((element, index) => each(element, index));
  return value as readonly T[];
}

/**
 * A general precondition: throws an {@link ArgumentError} with `expected` when `condition` is false.
 * Use for rules the helpers above do not cover (shapes, relations between arguments).
 */
export function checkThat(condition: boolean, fn: string, argument: string, expected: string, value: unknown): void {
  if (!condition) throw new ArgumentError(fn, argument, expected, value);
}
