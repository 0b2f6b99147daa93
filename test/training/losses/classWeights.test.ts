import { describe, expect, it } from 'vitest';
import { classWeights } from '../../../src/training/losses/classWeights.js';

describe('classWeights', () => {
  it('is n / (2·n_c), as scikit-learn compute_class_weight("balanced")', () => {
    expect(classWeights([1, 1, 1, 0])).toEqual({ negative: 2, positive: 2 / 3 });
    // the cohort sizes quoted in the report (113 malignant, 50 reactive), as in the TSDoc
    const w = classWeights([...Array<number>(113).fill(1), ...Array<number>(50).fill(0)]);
    expect(w.positive).toBeCloseTo(163 / 226, 12);
    expect(w.negative).toBeCloseTo(1.63, 12);
  });

  it('gives each class the same total weight n / 2', () => {
    const labels = [1, 0, 0, 1, 1, 1, 0, 1, 1];
    const w = classWeights(labels);
    const totalPos = labels.filter((z) => z === 1).length * w.positive;
    const totalNeg = labels.filter((z) => z === 0).length * w.negative;
    expect(totalPos).toBeCloseTo(labels.length / 2, 12);
    expect(totalNeg).toBeCloseTo(labels.length / 2, 12);
  });

  it('balanced labels give weights 1', () => {
    expect(classWeights(new Uint8Array([0, 1, 1, 0]))).toEqual({ negative: 1, positive: 1 });
  });

  it('one class missing: throws instead of returning an infinite weight', () => {
    expect(() => classWeights([1, 1])).toThrow('classWeights: labels must be both classes, got "2 positive and 0 negative labels"');
    expect(() => classWeights([0])).toThrow('classWeights: labels must be both classes, got "0 positive and 1 negative labels"');
  });

  it('rejects empty input and labels other than 0/1', () => {
    expect(() => classWeights([])).toThrow('classWeights: labels must be at least one label, got an array of 0');
    expect(() => classWeights([0, 0.5])).toThrow('classWeights: labels[1] must be 0 or 1, got 0.5');
  });
});
