import { ArgumentError } from '../../../src/core/index.js';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import {
  checkImageShape3,
  createMask,
  createRgbImage,
  toContiguousMask,
  toContiguousRgb,
} from '../../../src/io/image/rgbImage.js';

describe('createRgbImage / createMask', () => {
  it('wraps given bytes as [H, W, 3] / [H, W] and allocates zeros otherwise', () => {
    const img = createRgbImage(2, 1, new Uint8Array([255, 0, 0, 0, 0, 255]));
    expect(img.shape).toEqual([1, 2, 3]);
    expect(img.get(0, 1, 2)).toBe(255);
    expect(createRgbImage(3, 2).data).toEqual(new Uint8Array(18));
    expect(createMask(3, 2).shape).toEqual([2, 3]);
  });

  it('rejects bad sizes and byte counts, naming the function', () => {
    expect(() => createRgbImage(0, 1)).toThrow('createRgbImage: width must be an integer ≥ 1, got 0');
    expect(() => createRgbImage(0, 1)).toThrow(ArgumentError);
    expect(() => createRgbImage(2, 2, new Uint8Array(5))).toThrow('createRgbImage: data must be 12 bytes for 2x2x3, got Uint8Array(5)');
    expect(() => createRgbImage(1, 1, [1, 2, 3] as unknown as Uint8Array)).toThrow('createRgbImage: data must be a Uint8Array, got an array of 3');
    expect(() => createMask(1.5, 1)).toThrow('createMask: width must be an integer ≥ 1, got 1.5');
    expect(() => createMask(2, 2, new Uint8Array(3))).toThrow('createMask: data must be 4 bytes for 2x2, got Uint8Array(3)');
  });
});

describe('toContiguousRgb', () => {
  it('returns a contiguous image itself and copies a strided (transposed) one in row-major order', () => {
    const img = createRgbImage(3, 2, Uint8Array.from({ length: 18 }, (_, i) => i));
    expect(toContiguousRgb(img)).toBe(img);
    const transposed = img.transpose(1, 0, 2); // [3, 2, 3] view
    const copy = toContiguousRgb(transposed);
    expect(copy.shape).toEqual([3, 2, 3]);
    expect(copy.stride).toEqual([6, 3, 1]);
    for (let y = 0; y < 3; y++) for (let x = 0; x < 2; x++) for (let c = 0; c < 3; c++) {
      expect(copy.get(y, x, c)).toBe(img.get(x, y, c));
    }
  });

  it('views Uint8ClampedArray data (canvas ImageData) as Uint8Array without copying', () => {
    const clamped = new Uint8ClampedArray([1, 2, 3]);
    const out = toContiguousRgb(ndarray(clamped, [1, 1, 3]) as unknown as Parameters<typeof toContiguousRgb>[0]);
    expect(out.data).toBeInstanceOf(Uint8Array);
    expect(out.data.buffer).toBe(clamped.buffer);
  });

  it('rejects wrong shapes and dtypes, naming the caller', () => {
    const bad = (v: unknown): unknown => v as Parameters<typeof toContiguousRgb>[0];
    expect(() => toContiguousRgb(bad(ndarray(new Uint8Array(8), [2, 1, 4])) as never, 'f')).toThrow('f: image must be an ndarray of shape [H, W, 3] (last dimension 3), got shape [2, 1, 4] uint8');
    expect(() => toContiguousRgb(bad(ndarray(new Uint8Array(6), [2, 3])) as never, 'f')).toThrow('f: image must be an ndarray of shape [H, W, 3] (3 dimensions), got shape [2, 3] uint8');
    expect(() => toContiguousRgb(bad(ndarray(new Float32Array(3), [1, 1, 3])) as never, 'f')).toThrow('f: image.data must be uint8 data (Uint8Array or Uint8ClampedArray), got Float32Array(3)');
    expect(() => toContiguousRgb(bad(null) as never, 'f')).toThrow('f: image must be an ndarray of shape [H, W, 3], got null');
    expect(() => checkImageShape3(ndarray(new Uint8Array(0), [0, 2, 3]), 'g')).toThrow('g: image must be an ndarray of shape [H, W, 3] (non-empty), got shape [0, 2, 3] uint8');
  });
});

describe('toContiguousMask', () => {
  it('returns a contiguous mask itself, copies a strided one as 0/1, and rejects other shapes', () => {
    const m = createMask(2, 2, new Uint8Array([0, 1, 1, 0]));
    expect(toContiguousMask(m)).toBe(m);
    const t = toContiguousMask(ndarray(new Uint8Array([0, 7, 0, 0]), [2, 2]).transpose(1, 0));
    expect([...t.data]).toEqual([0, 0, 1, 0]);
    expect(() => toContiguousMask(ndarray(new Uint8Array(8), [2, 2, 2]) as never, 'h')).toThrow('h: mask must be an ndarray of shape [H, W] (2 dimensions), got shape [2, 2, 2] uint8');
  });
});
