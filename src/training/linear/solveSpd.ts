/**
 * Solves A·x = b for a symmetric positive-definite A by Cholesky: the Newton step of the library's logistic
 * regressions (internal).
 * @module
 */

/**
 * Solves A·x = b for a symmetric positive-definite A [n×n] (row-major, lower triangle read); A and b are not
 * modified.
 *
 * @param a - [n·n] the matrix, row-major
 * @param b - [n] the right-hand side
 * @param n - the order
 * @param notPositiveDefinite - the message of the RangeError thrown when a pivot is not positive (name the caller
 *   and what to change, e.g. the regularisation)
 * @returns [n] x
 * @throws RangeError with `notPositiveDefinite` when A is not (numerically) positive definite
 */
export function solveSpd(a: Float64Array, b: Float64Array, n: number, notPositiveDefinite: string): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (!(s > 0)) throw new RangeError(notPositiveDefinite);
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / l[j * n + j]!;
      }
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * y[k]!;
    y[i] = s / l[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}
