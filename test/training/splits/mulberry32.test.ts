import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/training/splits/mulberry32.js';

describe('mulberry32', () => {
  it('reproduces the published first outputs of the reference implementation for seed 42', () => {
    // Reference: the public-domain C/JS mulberry32 by Tommy Ettinger, seed 42.
    const rand = mulberry32(42);
    expect(rand()).toBe(0.6011037519201636);
    expect(rand()).toBe(0.44829055899754167);
  });

  it('is deterministic per seed and differs between seeds', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const c = mulberry32(8);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
  });

  it('stays in [0, 1) with a roughly uniform mean', () => {
    const rand = mulberry32(-3);
    let sum = 0;
    for (let i = 0; i < 10_000; i++) {
      const x = rand();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
    }
    expect(Math.abs(sum / 10_000 - 0.5)).toBeLessThan(0.02);
  });

  it('rejects a non-integer seed, naming the value', () => {
    expect(() => mulberry32(1.5)).toThrow(/mulberry32: .*1\.5/);
    expect(() => mulberry32(Number.NaN)).toThrow(/mulberry32: .*NaN/);
  });
});
