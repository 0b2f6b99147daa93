import { describe, expect, it } from 'vitest';
import { halvingStep } from '../../../src/training/linear/halvingStep.js';

describe('halvingStep', () => {
  const square = (x: Float64Array): number => (x[0]! - 0.25) ** 2;

  it('takes the full step when it decreases the objective', () => {
    const moved = halvingStep(Float64Array.of(1), Float64Array.of(0.75), square(Float64Array.of(1)), square);
    expect(moved).toEqual({ next: Float64Array.of(0.25), value: 0 });
  });

  it('halves an overshooting step until the objective does not increase', () => {
    // From 1 the step 6 lands at −5 (27.5625), 3 at −2 (5.0625), 1.5 at −0.5 (0.5625 ≤ 0.5625).
    const moved = halvingStep(Float64Array.of(1), Float64Array.of(6), square(Float64Array.of(1)), square);
    expect(moved?.next[0]).toBe(-0.5);
    expect(moved?.value).toBe(0.5625);
  });

  it('gives null when no halving decreases the objective', () => {
    expect(halvingStep(Float64Array.of(0), Float64Array.of(1), 0, () => 1)).toBeNull();
  });
});
