import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ArgumentError,
  boundMessage,
  checkArray,
  checkBoolean,
  checkFunction,
  checkInteger,
  checkNumber,
  checkOneOf,
  checkOptions,
  checkString,
  checkThat,
  DescribedValue,
  describeValue,
  MAX_MESSAGE_LENGTH,
  optionalInteger,
  optionalNumber,
} from '../../src/core/index.js';

describe('checkInteger', () => {
  it('returns valid integers and names the function and argument otherwise', () => {
    expect(checkInteger('crossValidate', 'folds', 5, { min: 2 })).toBe(5);
    expect(() => checkInteger('crossValidate', 'folds', 1, { min: 2 })).toThrow('crossValidate: folds must be an integer ≥ 2, got 1');
    expect(() => checkInteger('f', 'n', 1.5)).toThrow('f: n must be an integer, got 1.5');
    expect(() => checkInteger('f', 'n', '3', { min: 1 })).toThrow('f: n must be an integer ≥ 1, got "3"');
    expect(() => checkInteger('f', 'n', 11, { min: 1, max: 10 })).toThrow('f: n must be an integer ≥ 1 and ≤ 10, got 11');
  });
  it('throws ArgumentError (a TypeError) carrying fn and argument', () => {
    try {
      checkInteger('fit', 'epochs', -1, { min: 1 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ArgumentError);
      expect(e).toBeInstanceOf(TypeError);
      expect((e as ArgumentError).fn).toBe('fit');
      expect((e as ArgumentError).argument).toBe('epochs');
      expect((e as ArgumentError).name).toBe('ArgumentError');
    }
  });
});

describe('checkNumber', () => {
  it('rejects non-finite numbers and honours exclusive bounds', () => {
    expect(checkNumber('f', 'lr', 0.1, { min: 0, minExclusive: true })).toBe(0.1);
    expect(() => checkNumber('f', 'lr', 0, { min: 0, minExclusive: true })).toThrow('f: lr must be a finite number > 0, got 0');
    expect(() => checkNumber('f', 'x', Number.NaN)).toThrow('got NaN');
    expect(() => checkNumber('f', 'x', Infinity)).toThrow('got Infinity');
    expect(() => checkNumber('f', 'p', 1, { max: 1, maxExclusive: true })).toThrow('< 1');
  });
  it('optional variants give the fallback for undefined only', () => {
    expect(optionalNumber('f', 'x', undefined, 3)).toBe(3);
    expect(optionalInteger('f', 'x', undefined, 4)).toBe(4);
    expect(() => optionalInteger('f', 'x', null, 4)).toThrow(ArgumentError);
  });
});

describe('other checks', () => {
  it('checkOneOf lists the allowed values', () => {
    expect(checkOneOf('f', 'mode', 'mean', ['mean', 'max'] as const)).toBe('mean');
    expect(() => checkOneOf('f', 'mode', 'avg', ['mean', 'max'] as const)).toThrow(`f: mode must be one of "mean", "max", got "avg"`);
  });
  it('checkBoolean, checkString, checkFunction, checkOptions, checkThat', () => {
    expect(() => checkBoolean('f', 'b', 1)).toThrow('f: b must be true or false, got 1');
    expect(() => checkString('f', 's', '')).toThrow('a non-empty string');
    expect(checkString('f', 's', '', { allowEmpty: true })).toBe('');
    expect(() => checkFunction('f', 'onProgress', 3)).toThrow('f: onProgress must be a function, got 3');
    expect(checkOptions('f', undefined)).toEqual({});
    expect(() => checkOptions('f', [] as unknown as object)).toThrow('f: options must be an options object, got an array of 0');
    expect(() => checkThat(false, 'f', 'shape', '[H, W, 3]', [1, 2])).toThrow('f: shape must be [H, W, 3], got an array of 2');
  });
  it('checkArray checks the length and each element', () => {
    expect(checkArray('f', 'xs', [1, 2], { minLength: 1 })).toEqual([1, 2]);
    expect(() => checkArray('f', 'xs', [], { minLength: 1 })).toThrow('f: xs must be an array with at least 1 element, got an array of 0');
    expect(() =>
      checkArray('f', 'xs', [1, 'a'], { each: (v, i) => checkNumber('f', `xs[${i}]`, v) }),
    ).toThrow('f: xs[1] must be a finite number, got "a"');
  });
});

describe('describeValue and boundMessage', () => {
  it('describes values briefly', () => {
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue(null)).toBe('null');
    expect(describeValue(new Float32Array(12))).toBe('Float32Array(12)');
    expect(describeValue({ id: 'P1', age: 3, a: 1, b: 2, c: 3 })).toBe('an object {id, age, a, b, …}');
    expect(describeValue(new Map())).toBe('a Map {}');
    expect(describeValue({ shape: [2, 2, 4], data: new Uint8Array(16), dtype: 'uint8' })).toBe('shape [2, 2, 4] uint8');
    expect(describeValue({ shape: [3] })).toBe('shape [3]');
    expect(describeValue(new DescribedValue('[0.5, 0, 0.5]'))).toBe('[0.5, 0, 0.5]');
    expect(describeValue('x'.repeat(1000)).length).toBeLessThanOrEqual(80);
  });
  it('every message is bounded, keeping its start and end (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 3000 }), (s) => {
        const b = boundMessage(s);
        expect(b.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
        if (s.length <= MAX_MESSAGE_LENGTH) expect(b).toBe(s);
        else expect(b.startsWith(s.slice(0, 100))).toBe(true);
      }),
    );
    const huge = new ArgumentError('loadCohort', 'csv', 'a CSV file', 'x'.repeat(2_000_000));
    expect(huge.message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
  });
});
