import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { binaryCrossEntropyWithLogits } from '../../../src/training/losses/binaryCrossEntropyWithLogits.js';

/** Tolerance for float32 tensors against float64 references. */
const F32 = 1e-3;

/** Float64 reference straight from the definition −[p·z·log σ(x) + (1 − z)·log(1 − σ(x))] (moderate |x| only). */
function referenceBce(z: number, x: number, p = 1): number {
  const s = 1 / (1 + Math.exp(-x));
  return -(p * z * Math.log(s) + (1 - z) * Math.log(1 - s));
}

const labels = [1, 0, 1, 0, 0.3, 1];
const logits = [2.5, -1.2, -3, 4, 0.7, 0];
const weights = [0.72, 1.63, 0.72, 1.63, 1, 0.72];

describe('binaryCrossEntropyWithLogits', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('matches the float64 reference element-wise, with and without posWeight', () => {
    for (const p of [1, 2.26]) {
      const out = tf.tidy(() =>
        binaryCrossEntropyWithLogits(tf.tensor1d(labels), tf.tensor1d(logits), { posWeight: p, reduction: 'none' }).arraySync(),
      ) as number[];
      out.forEach((v, i) => expect(v).toBeCloseTo(referenceBce(labels[i] as number, logits[i] as number, p), 5));
    }
  });

  it('property: non-negative, equals the float64 reference, and ℓ(z, x) = ℓ(1 − z, −x) for posWeight 1', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: -30, max: 30, noNaN: true })), {
          minLength: 1,
          maxLength: 16,
        }),
        (pairs) => {
          const z = pairs.map(([zi]) => zi);
          const x = pairs.map(([, xi]) => xi);
          const [direct, mirrored] = tf.tidy(() => [
            Array.from(binaryCrossEntropyWithLogits(tf.tensor1d(z), tf.tensor1d(x), { reduction: 'none' }).dataSync()),
            Array.from(
              binaryCrossEntropyWithLogits(tf.tensor1d(z.map((zi) => 1 - zi)), tf.tensor1d(x.map((xi) => -xi)), {
                reduction: 'none',
              }).dataSync(),
            ),
          ]) as [number[], number[]];
          direct.forEach((l, i) => {
            const ref = referenceBce(z[i] as number, x[i] as number);
            expect(l).toBeGreaterThanOrEqual(0);
            expect(Math.abs(l - ref)).toBeLessThan(F32 * Math.max(1, ref));
            expect(Math.abs(l - (mirrored[i] as number))).toBeLessThan(F32 * Math.max(1, ref));
          });
        },
      ),
      { numRuns: 50 },
    );
  });

  it('reduces with sum, mean and weightedMean as documented', () => {
    const ref = labels.map((z, i) => referenceBce(z, logits[i] as number));
    const weighted = ref.map((l, i) => l * (weights[i] as number));
    const sumW = weights.reduce((a, b) => a + b, 0);
    const value = (reduction: 'sum' | 'mean' | 'weightedMean'): number =>
      tf.tidy(() =>
        binaryCrossEntropyWithLogits(tf.tensor1d(labels), tf.tensor1d(logits), { weights: tf.tensor1d(weights), reduction }).dataSync()[0],
      ) as number;
    const total = weighted.reduce((a, b) => a + b, 0);
    expect(value('sum')).toBeCloseTo(total, 4);
    expect(value('mean')).toBeCloseTo(total / labels.length, 5);
    expect(value('weightedMean')).toBeCloseTo(total / sumW, 5);
    const unweighted = tf.tidy(() => binaryCrossEntropyWithLogits(tf.tensor1d(labels), tf.tensor1d(logits)).dataSync()[0]);
    expect(unweighted).toBeCloseTo(ref.reduce((a, b) => a + b, 0) / ref.length, 5);
  });

  it('weightedMean with all-zero weights returns 0, not NaN', () => {
    const v = tf.tidy(() =>
      binaryCrossEntropyWithLogits(tf.tensor1d([1, 0]), tf.tensor1d([1, 2]), {
        weights: tf.tensor1d([0, 0]),
        reduction: 'weightedMean',
      }).dataSync()[0],
    );
    expect(v).toBe(0);
  });

  it('broadcasts weights over a [B, 1] batch', () => {
    const v = tf.tidy(() =>
      binaryCrossEntropyWithLogits(tf.tensor2d([[1], [0]]), tf.tensor2d([[0.5], [0.5]]), {
        weights: tf.tensor1d([2]),
        reduction: 'sum',
      }).dataSync()[0],
    );
    expect(v).toBeCloseTo(2 * (referenceBce(1, 0.5) + referenceBce(0, 0.5)), 5);
  });

  it('gradient: tf.grad agrees with central finite differences of the float64 reference', () => {
    for (const p of [1, 3]) {
      const grad = tf.tidy(() => {
        const z = tf.tensor1d(labels);
        const g = tf.grad((x: tf.Tensor) => binaryCrossEntropyWithLogits(z, x, { posWeight: p, reduction: 'sum' }));
        return g(tf.tensor1d(logits)).arraySync();
      }) as number[];
      const h = 1e-5;
      grad.forEach((gi, i) => {
        const z = labels[i] as number;
        const x = logits[i] as number;
        const fd = (referenceBce(z, x + h, p) - referenceBce(z, x - h, p)) / (2 * h);
        expect(Math.abs(gi - fd)).toBeLessThan(F32);
      });
    }
  });

  it('gradient at exactly x = 0 is σ(0) − z scaled by the weight, not a sub-gradient artefact', () => {
    const grad = tf.tidy(() => {
      const z = tf.tensor1d([1, 0, 1]);
      return tf.grad((x: tf.Tensor) => binaryCrossEntropyWithLogits(z, x, { reduction: 'none', posWeight: 1 }).sum())(tf.zeros([3])).arraySync();
    }) as number[];
    expect(grad.map((g) => Math.round(g * 1e6) / 1e6)).toEqual([-0.5, 0.5, -0.5]);
    const weighted = tf.tidy(() => {
      const z = tf.tensor1d([1, 0]);
      return tf.grad((x: tf.Tensor) => binaryCrossEntropyWithLogits(z, x, { reduction: 'sum', posWeight: 3 }))(tf.zeros([2])).arraySync();
    }) as number[];
    // (1 − z) − (1 + (p − 1)z)·σ(−x) at x = 0: z = 1 → −1.5, z = 0 → 0.5
    expect(weighted.map((g) => Math.round(g * 1e6) / 1e6)).toEqual([-1.5, 0.5]);
  });

  it('weightedMean is differentiable: gradient w·(σ(x) − z) / Σw', () => {
    const grad = tf.tidy(() => {
      const z = tf.tensor1d(labels);
      const w = tf.tensor1d(weights);
      return tf.grad((x: tf.Tensor) => binaryCrossEntropyWithLogits(z, x, { weights: w, reduction: 'weightedMean' }))(tf.tensor1d(logits)).arraySync();
    }) as number[];
    const sumW = weights.reduce((a, b) => a + b, 0);
    grad.forEach((g, i) => {
      const x = logits[i] as number;
      const expected = ((weights[i] as number) * (1 / (1 + Math.exp(-x)) - (labels[i] as number))) / sumW;
      expect(Math.abs(g - expected)).toBeLessThan(F32);
    });
  });

  it('extreme logits ±1e4 give finite losses and gradients (σ(x) − z)', () => {
    const z = [1, 0, 1, 0];
    const x = [1e4, -1e4, -1e4, 1e4];
    const { losses, grads } = tf.tidy(() => {
      const zt = tf.tensor1d(z);
      const xt = tf.tensor1d(x);
      const g = tf.grad((xx: tf.Tensor) => binaryCrossEntropyWithLogits(zt, xx, { reduction: 'sum' }));
      return {
        losses: binaryCrossEntropyWithLogits(zt, xt, { reduction: 'none' }).arraySync() as number[],
        grads: g(xt).arraySync() as number[],
      };
    });
    expect(losses).toEqual([0, 0, 1e4, 1e4]);
    expect(grads).toEqual([0, 0, -1, 1]);
    const weightedExtreme = tf.tidy(() =>
      binaryCrossEntropyWithLogits(tf.tensor1d(z), tf.tensor1d(x), { posWeight: 5, reduction: 'none' }).arraySync(),
    ) as number[];
    expect(weightedExtreme).toEqual([0, 0, 5e4, 1e4]);
  });

  it('rejects mismatched shapes, bad posWeight, bad reduction and non-broadcastable weights', () => {
    const z = tf.tensor1d([1, 0]);
    const x = tf.tensor1d([1, 0, 2]);
    const x2 = tf.tensor1d([1, 0]);
    expect(() => binaryCrossEntropyWithLogits(z, x)).toThrow(/binaryCrossEntropyWithLogits: labels shape \[2\] differs from logits shape \[3\]/);
    expect(() => binaryCrossEntropyWithLogits(z, x2, { posWeight: 0 })).toThrow('binaryCrossEntropyWithLogits: posWeight must be a finite number > 0, got 0');
    expect(() => binaryCrossEntropyWithLogits(z, x2, { reduction: 'avg' as 'mean' })).toThrow('binaryCrossEntropyWithLogits: reduction must be one of');
    const w = tf.tensor1d([1, 2, 3]);
    expect(() => binaryCrossEntropyWithLogits(z, x2, { weights: w })).toThrow(/weights of shape \[3\] do not broadcast to \[2\]/);
    tf.dispose([z, x, x2, w]);
  });

  it('gives the same losses and gradients on the wasm backend (backend-neutral ops)', async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    const compute = (): number[][] =>
      tf.tidy(() => {
        const z = tf.tensor1d(labels);
        const x = tf.tensor1d([...logits.slice(0, 4), 1e4, -1e4]);
        const w = tf.tensor1d(weights);
        const f = (xx: tf.Tensor): tf.Scalar => binaryCrossEntropyWithLogits(z, xx, { posWeight: 2, weights: w, reduction: 'weightedMean' });
        return [Array.from(f(x).dataSync()), Array.from(tf.grad(f)(x).dataSync())];
      });
    const onCpu = compute();
    expect(await tf.setBackend('wasm')).toBe(true);
    try {
      const onWasm = compute();
      // relative: the ±1e4 logits make the loss O(1e3), where float32 summation order matters at ~1e-4
      onWasm.flat().forEach((v, i) => {
        const ref = onCpu.flat()[i] as number;
        expect(Math.abs(v - ref)).toBeLessThan(1e-5 * Math.max(1, Math.abs(ref)));
      });
    } finally {
      await tf.setBackend('cpu');
    }
  });

  it('does not leak tensors', () => {
    const z = tf.tensor1d(labels);
    const x = tf.tensor1d(logits);
    const w = tf.tensor1d(weights);
    const before = tf.memory().numTensors;
    binaryCrossEntropyWithLogits(z, x, { weights: w, posWeight: 2, reduction: 'none' }).dispose();
    for (const reduction of ['sum', 'mean', 'weightedMean'] as const) {
      binaryCrossEntropyWithLogits(z, x, { weights: w, posWeight: 2, reduction }).dispose();
      binaryCrossEntropyWithLogits(z, x, { reduction }).dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([z, x, w]);
  });
});
