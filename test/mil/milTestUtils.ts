/**
 * Test helpers for src/mil: a plain-JS reference for per-bag pooling (independent of tfjs), finite-difference
 * gradient checks, and fast-check arbitraries for ragged batches.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { expect } from 'vitest';

/** Value tolerance for float32 tensors. */
export const FLOAT32_TOL = 1e-3;
/** Relative tolerance of float32 central finite differences with eps = 1e-2. */
export const GRAD_RTOL = 1e-2;

/** Bags as nested arrays: bags[b][i][d]. */
export type Bags = number[][][];

/** Sets the cpu backend (call in beforeAll). */
export async function useCpuBackend(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

/** Plain-JS per-bag reduction of every feature column. */
export function referencePool(bags: Bags, reduce: (column: number[]) => number): number[][] {
  return bags.map((bag) => {
    const dim = bag[0]?.length ?? 0;
    return Array.from({ length: dim }, (_, d) => reduce(bag.map((row) => row[d] ?? NaN)));
  });
}

export const refMean = (c: number[]): number => c.reduce((a, b) => a + b, 0) / c.length;
export const refMax = (c: number[]): number => Math.max(...c);
export const refTopKMean =
  (k: number) =>
  (c: number[]): number => {
    const top = [...c].sort((a, b) => b - a).slice(0, Math.min(k, c.length));
    return top.reduce((a, b) => a + b, 0) / top.length;
  };
export const refLogSumExp =
  (t: number) =>
  (c: number[]): number => {
    const m = Math.max(...c);
    return m + t * Math.log(c.reduce((a, v) => a + Math.exp((v - m) / t), 0) / c.length);
  };

/** Asserts that two nested arrays of numbers agree within `tol` (absolute + relative). */
export function expectClose(actual: unknown, expected: unknown, tol = FLOAT32_TOL): void {
  const a = (actual as number[]).flat(3) as number[];
  const e = (expected as number[]).flat(3) as number[];
  expect(a.length).toBe(e.length);
  a.forEach((v, i) => {
    const ref = e[i] ?? NaN;
    if (Math.abs(v - ref) > tol * (1 + Math.abs(ref))) {
      expect.fail(`element ${i}: got ${v}, expected ${ref} (tol ${tol})`);
    }
  });
}

/**
 * Compares the gradient of `loss(x)` (a scalar) from tf.grad with central finite differences
 * (eps = 1e-2, float32), element by element with relative tolerance {@link GRAD_RTOL}.
 */
export function checkGradient(loss: (x: tf.Tensor2D) => tf.Scalar, x0: number[][], eps = 1e-2): void {
  const x = tf.tensor2d(x0);
  const g = tf.grad((t: tf.Tensor) => loss(t as tf.Tensor2D))(x);
  const analytic = g.arraySync() as number[][];
  tf.dispose([x, g]);
  const evalAt = (v: number[][]): number =>
    tf.tidy(() => {
      const t = tf.tensor2d(v);
      return loss(t).arraySync();
    });
  const scale = Math.max(1e-3, ...analytic.flat().map(Math.abs));
  x0.forEach((row, i) =>
    row.forEach((_, j) => {
      const plus = x0.map((r) => [...r]);
      const minus = x0.map((r) => [...r]);
      (plus[i] as number[])[j] = (row[j] ?? 0) + eps;
      (minus[i] as number[])[j] = (row[j] ?? 0) - eps;
      const numeric = (evalAt(plus) - evalAt(minus)) / (2 * eps);
      const got = analytic[i]?.[j] ?? NaN;
      if (Math.abs(got - numeric) > GRAD_RTOL * scale + GRAD_RTOL * Math.abs(numeric)) {
        expect.fail(`d loss / d x[${i}][${j}]: analytic ${got}, finite difference ${numeric}`);
      }
    }),
  );
}

/**
 * Bags with well-separated values (distinct multiples of 0.25 plus a small offset), so that max/top-k
 * selections do not change within a finite-difference step of 1e-2.
 */
export function separatedBags(sizes: number[], dim: number, seed = 1): Bags {
  let state = seed;
  const rand = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const total = sizes.reduce((a, b) => a + b, 0) * dim;
  const levels = Array.from({ length: total }, (_, i) => i);
  for (let i = levels.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [levels[i], levels[j]] = [levels[j] ?? 0, levels[i] ?? 0];
  }
  let next = 0;
  return sizes.map((n) =>
    Array.from({ length: n }, () => Array.from({ length: dim }, () => ((levels[next++] ?? 0) - total / 2) * 0.25 + 0.05)),
  );
}

/** Fixed weights for a scalar loss Σ w ⊙ y that tests the whole Jacobian, not just column sums. */
export function lossWeights(rows: number, cols: number): tf.Tensor2D {
  return tf.tensor2d(
    Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => 0.5 + ((r * 7 + c * 3) % 5) * 0.3)),
  );
}

/** fast-check arbitrary: 1–4 bags of 1–5 instances of dimension 1–3, integer-valued floats in [−20, 20]. */
export const bagsArbitrary: fc.Arbitrary<Bags> = fc.integer({ min: 1, max: 3 }).chain((dim) =>
  fc.array(
    fc.array(fc.array(fc.integer({ min: -20, max: 20 }), { minLength: dim, maxLength: dim }), {
      minLength: 1,
      maxLength: 5,
    }),
    { minLength: 1, maxLength: 4 },
  ),
);

/** Flattens bags to rows + bag ids, then shuffles the rows globally by `order` (a permutation of indices). */
export function shuffledRows(bags: Bags, order: number[]): { rows: number[][]; ids: number[] } {
  const rows: number[][] = [];
  const ids: number[] = [];
  bags.forEach((bag, b) =>
    bag.forEach((row) => {
      rows.push(row);
      ids.push(b);
    }),
  );
  return { rows: order.map((i) => rows[i] ?? []), ids: order.map((i) => ids[i] ?? -1) };
}

/** fast-check arbitrary: bags together with a permutation of all their instances. */
export const bagsWithPermutation: fc.Arbitrary<{ bags: Bags; order: number[] }> = bagsArbitrary.chain((bags) => {
  const total = bags.reduce((a, b) => a + b.length, 0);
  return fc
    .shuffledSubarray(
      Array.from({ length: total }, (_, i) => i),
      { minLength: total, maxLength: total },
    )
    .map((order) => ({ bags, order }));
});
