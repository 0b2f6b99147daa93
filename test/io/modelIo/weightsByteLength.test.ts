import { describe, expect, it } from 'vitest';
import { weightsByteLength } from '../../../src/io/modelIo/weightsByteLength.js';

describe('weightsByteLength', () => {
  it('sums product(shape) · bytes per element, quantized weights at their stored size', () => {
    expect(
      weightsByteLength([
        { name: 'k', shape: [3, 2], dtype: 'float32' },
        { name: 'i', shape: [5], dtype: 'int32' },
        { name: 'b', shape: [3], dtype: 'bool' },
        { name: 'c', shape: [1], dtype: 'complex64' },
        { name: 's', shape: [], dtype: 'float32' },
        { name: 'q8', shape: [10], dtype: 'float32', quantization: { dtype: 'uint8', scale: 1, min: 0 } },
        { name: 'h', shape: [4], dtype: 'float32', quantization: { dtype: 'float16' } },
      ]),
    ).toBe(24 + 20 + 3 + 8 + 4 + 10 + 8);
  });

  it('is 0 for no weights and for zero-size weights, undefined with string weights', () => {
    expect(weightsByteLength([])).toBe(0);
    expect(weightsByteLength([{ name: 'e', shape: [0, 7], dtype: 'float32' }])).toBe(0);
    expect(weightsByteLength([{ name: 's', shape: [2], dtype: 'string' }])).toBeUndefined();
  });

  it('names a weight with an unknown dtype or an invalid shape', () => {
    expect(() => weightsByteLength([{ name: 'x', shape: [1], dtype: 'float64' as 'float32' }])).toThrow('weightsByteLength: weight "x" has unknown dtype float64');
    expect(() => weightsByteLength([{ name: 'y', shape: [-1], dtype: 'float32' }])).toThrow(/weight "y" has invalid shape \[-1\]/);
  });
});
