import { describe, expect, it } from 'vitest';
import { confusionMatrix } from '../../../src/training/metrics/confusionMatrix.js';

describe('confusionMatrix', () => {
  it('counts a hand-made example with scores and the default threshold 0.5', () => {
    // labels:  1    0    1    0    1    0
    // scores: .9   .6   .2   .1   .5   .49  -> predicted 1 1 0 0 1 0
    expect(confusionMatrix([1, 0, 1, 0, 1, 0], [0.9, 0.6, 0.2, 0.1, 0.5, 0.49])).toEqual({ tp: 2, fp: 1, tn: 2, fn: 1 });
  });

  it('uses v >= threshold, so 0/1 predictions come back unchanged', () => {
    expect(confusionMatrix([1, 0, 0], [1, 1, 0])).toEqual({ tp: 1, fp: 1, tn: 1, fn: 0 });
    expect(confusionMatrix([1, 0], [0, 0], { threshold: 0 })).toEqual({ tp: 1, fp: 1, tn: 0, fn: 0 });
  });

  it('supports logits with threshold 0 and typed arrays', () => {
    const cm = confusionMatrix(new Uint8Array([1, 1, 0]), new Float32Array([2.5, -0.1, -3]), { threshold: 0 });
    expect(cm).toEqual({ tp: 1, fp: 0, tn: 1, fn: 1 });
  });

  it('single-class labels: the absent class counts are zero', () => {
    expect(confusionMatrix([1, 1, 1], [1, 0, 1])).toEqual({ tp: 2, fp: 0, tn: 0, fn: 1 });
  });

  it('rejects empty, mismatched, non-binary labels, NaN values and a non-finite threshold', () => {
    expect(() => confusionMatrix([], [])).toThrow('confusionMatrix: labels must be at least one label, got an array of 0');
    expect(() => confusionMatrix([1, 0], [1])).toThrow('confusionMatrix: predictions must be the same length as labels (2), got an array of 1');
    expect(() => confusionMatrix([2, 0], [1, 0])).toThrow('confusionMatrix: labels[0] must be 0 or 1, got 2');
    expect(() => confusionMatrix([1, 0], [1, Number.NaN])).toThrow('confusionMatrix: predictions[1] must be a number, got NaN');
    expect(() => confusionMatrix([1], [1], { threshold: Number.NaN })).toThrow('confusionMatrix: threshold must be a finite number, got NaN');
  });
});
