import { describe, expect, it } from 'vitest';
import { sigmoid, softplus } from '../../../src/training/linear/logistic.js';

describe('sigmoid and softplus', () => {
  it('agree with their definitions where those are safe', () => {
    for (const z of [-30, -2.5, -1, 0, 0.3, 1, 4, 30]) {
      expect(sigmoid(z)).toBeCloseTo(1 / (1 + Math.exp(-z)), 14);
      expect(softplus(z)).toBeCloseTo(Math.log(1 + Math.exp(z)), 12);
    }
    expect(sigmoid(0)).toBe(0.5);
  });

  it('stay finite and exact in the tails, and log σ(z) = −softplus(−z)', () => {
    expect(sigmoid(1000)).toBe(1);
    expect(sigmoid(-1000)).toBe(0);
    expect(softplus(1000)).toBe(1000);
    expect(softplus(-1000)).toBe(0);
    for (const z of [-20, -3, 0, 2, 20]) expect(Math.log(sigmoid(z))).toBeCloseTo(-softplus(-z), 12);
  });
});
