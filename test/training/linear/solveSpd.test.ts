import { describe, expect, it } from 'vitest';
import { solveSpd } from '../../../src/training/linear/solveSpd.js';

describe('solveSpd', () => {
  it('solves A·x = b for a random SPD matrix (A = MᵀM + I) to 1e-10, leaving A and b untouched', () => {
    let seed = 7;
    const rand = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    const n = 6;
    const m = Array.from({ length: n * n }, rand);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = i === j ? 1 : 0;
      for (let k = 0; k < n; k++) s += m[k * n + i]! * m[k * n + j]!;
      a[i * n + j] = s;
    }
    const b = Float64Array.from({ length: n }, rand);
    const [a0, b0] = [a.slice(), b.slice()];
    const x = solveSpd(a, b, n, 'not used');
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[i * n + j]! * x[j]!;
      expect(Math.abs(s - b[i]!)).toBeLessThan(1e-10);
    }
    expect(a).toEqual(a0);
    expect(b).toEqual(b0);
  });

  it('throws a RangeError with the caller\'s message when A is not positive definite', () => {
    const a = Float64Array.of(1, 2, 2, 1); // eigenvalues 3 and −1
    expect(() => solveSpd(a, Float64Array.of(1, 1), 2, 'f: the Hessian is not positive definite')).toThrow(
      new RangeError('f: the Hessian is not positive definite'),
    );
  });
});
