/**
 * Tests shared by the attention layers, against a plain-JS reference that reads the layer's weights:
 * values, weights summing to 1 per bag, single-instance bags, one bag, padded form, instance-order invariance
 * (fast-check), gradients (instances and weights) by finite differences, leaks, serialisation round trip.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { AttentionPoolingArgs, AttentionPoolingOutput } from '../../src/mil/attentionPooling.js';
import type { BagBatch } from '../../src/mil/bagBatch.js';
import { raggedToPadded } from '../../src/mil/paddedBatch.js';
import { createRaggedBatch, raggedBatchFromIds } from '../../src/mil/raggedBatch.js';
import {
  bagsWithPermutation,
  checkGradient,
  expectClose,
  FLOAT32_TOL,
  GRAD_RTOL,
  lossWeights,
  shuffledRows,
  type Bags,
} from './milTestUtils.js';

export interface AttentionLayerLike extends tf.layers.Layer {
  pool(batch: BagBatch): AttentionPoolingOutput;
}

/** Plain-JS scores s_i = wᵀ g(h_i) from the layer's weights, by weight name. */
export type ReferenceScore = (h: number[], weights: Record<string, number[][] | number[]>) => number;

const matVec = (h: number[], m: number[][], bias?: number[]): number[] =>
  (m[0] ?? []).map((_, l) => h.reduce((acc, v, d) => acc + v * (m[d]?.[l] ?? NaN), bias?.[l] ?? 0));

/** Score of Ilse et al.'s attention: wᵀ tanh(Vᵀh + c). */
export const attentionScore: ReferenceScore = (h, w) =>
  matVec(h, w['V'] as number[][], w['c'] as number[] | undefined)
    .map(Math.tanh)
    .reduce((acc, v, l) => acc + v * ((w['w'] as number[][])[l]?.[0] ?? NaN), 0);

/** Score of the gated attention: wᵀ (tanh(Vᵀh + c) ⊙ sigmoid(Uᵀh + e)). */
export const gatedAttentionScore: ReferenceScore = (h, w) => {
  const t = matVec(h, w['V'] as number[][], w['c'] as number[] | undefined).map(Math.tanh);
  const s = matVec(h, w['U'] as number[][], w['e'] as number[] | undefined).map((v) => 1 / (1 + Math.exp(-v)));
  return t.reduce((acc, v, l) => acc + v * (s[l] ?? NaN) * ((w['w'] as number[][])[l]?.[0] ?? NaN), 0);
};

function layerWeights(layer: tf.layers.Layer): Record<string, number[][] | number[]> {
  const out: Record<string, number[][] | number[]> = {};
  for (const v of layer.weights) {
    const short = v.originalName.split('/').pop() ?? v.originalName;
    out[short] = v.read().arraySync() as number[][] | number[];
  }
  return out;
}

function reference(bags: Bags, score: ReferenceScore, w: Record<string, number[][] | number[]>) {
  const attention: number[][] = bags.map((bag) => {
    const s = bag.map((h) => score(h, w));
    const m = Math.max(...s);
    const e = s.map((v) => Math.exp(v - m));
    const z = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / z);
  });
  const output = bags.map((bag, b) =>
    (bag[0] ?? []).map((_, d) => bag.reduce((acc, h, i) => acc + (attention[b]?.[i] ?? NaN) * (h[d] ?? NaN), 0)),
  );
  return { output, attention };
}

export function attentionContract(
  make: (args: AttentionPoolingArgs) => AttentionLayerLike,
  score: ReferenceScore,
  numWeights: { withBias: number; withoutBias: number },
): void {
  const bags: Bags = [
    [
      [1, -2],
      [4, 0.5],
      [-3, 2],
    ],
    [[2, 7]],
    [
      [0, 1],
      [0.5, -1],
    ],
  ];

  it('matches the plain-JS reference; weights sum to 1 per bag; single-instance bag gets weight 1', () => {
    const layer = make({ units: 3, seed: 7 });
    const batch = createRaggedBatch(bags);
    const { output, attention } = layer.pool(batch);
    expect(output.shape).toEqual([3, 2]);
    expect(attention.shape).toEqual([6]);
    const ref = reference(bags, score, layerWeights(layer));
    expectClose(output.arraySync(), ref.output);
    expectClose(attention.arraySync(), ref.attention.flat());
    const a = attention.arraySync();
    expect(a[3]).toBeCloseTo(1, 5);
    [
      [0, 3],
      [3, 4],
      [4, 6],
    ].forEach(([s, e]) => expect(Math.abs(a.slice(s, e).reduce((x, y) => x + y, 0) - 1)).toBeLessThan(FLOAT32_TOL));
    tf.dispose([output, attention, batch.instances]);
    layer.dispose();
  });

  it('handles one bag, and a bag of one instance', () => {
    const layer = make({ units: 2, seed: 3 });
    for (const bs of [[bags[0] ?? []], [[[0.3, -0.7]]]]) {
      const batch = createRaggedBatch(bs);
      const { output, attention } = layer.pool(batch);
      const ref = reference(bs, score, layerWeights(layer));
      expect(output.shape).toEqual([1, 2]);
      expectClose(output.arraySync(), ref.output);
      expectClose(attention.arraySync(), ref.attention.flat());
      tf.dispose([output, attention, batch.instances]);
    }
    layer.dispose();
  });

  it('agrees on the ragged and padded forms', () => {
    const layer = make({ units: 4, seed: 11 });
    const batch = createRaggedBatch(bags);
    const padded = raggedToPadded(batch);
    const r = layer.pool(batch);
    const p = layer.pool(padded);
    expectClose(p.output.arraySync(), r.output.arraySync());
    expectClose(p.attention.arraySync(), r.attention.arraySync());
    tf.dispose([r.output, r.attention, p.output, p.attention, padded.values, padded.mask, batch.instances]);
    layer.dispose();
  });

  it('is invariant to instance order, with unsorted ids; attention follows the instances (property)', () => {
    const layers = [1, 2, 3].map((d) => make({ units: 3, seed: d }));
    fc.assert(
      fc.property(bagsWithPermutation, ({ bags: bs, order }) => {
        const dim = bs[0]?.[0]?.length ?? 1;
        const layer = layers[dim - 1] as AttentionLayerLike;
        const scaled = bs.map((bag) => bag.map((h) => h.map((v) => v / 10)));
        const { rows, ids } = shuffledRows(scaled, order);
        const x = tf.tensor2d(rows);
        const { output, attention } = layer.pool(raggedBatchFromIds(x, ids, { numBags: bs.length }));
        const ref = reference(scaled, score, layerWeights(layer));
        expectClose(output.arraySync(), ref.output);
        // Row r of the shuffled batch is instance order[r] of the bag-by-bag flattening.
        const flatOrder = bs.flatMap((bag, b) => bag.map((_, i) => ({ b, i })));
        const expectedByRow = order.map((k) => {
          const { b, i } = flatOrder[k] ?? { b: -1, i: -1 };
          return ref.attention[b]?.[i] ?? NaN;
        });
        expectClose(attention.arraySync(), expectedByRow);
        tf.dispose([output, attention, x]);
      }),
      { numRuns: 25 },
    );
    layers.forEach((l) => l.dispose());
  });

  it('has instance gradients that match finite differences', () => {
    const layer = make({ units: 3, seed: 5 });
    const w = lossWeights(2, 2);
    checkGradient(
      (x) => tf.sum(tf.mul(layer.pool(raggedBatchFromIds(x, [1, 0, 1, 1])).output, w)),
      [
        [0.3, -0.6],
        [0.9, 0.2],
        [-0.4, 0.7],
        [0.1, 0.5],
      ],
    );
    w.dispose();
    layer.dispose();
  });

  it('has weight gradients that match finite differences', () => {
    const layer = make({ units: 3, seed: 9 });
    const batch = createRaggedBatch([
      [
        [0.3, -0.6],
        [0.9, 0.2],
      ],
      [
        [-0.4, 0.7],
        [0.1, 0.5],
        [1.2, -0.3],
      ],
    ]);
    const lw = lossWeights(2, 2);
    const loss = (): tf.Scalar => tf.sum(tf.mul(layer.pool(batch).output, lw));
    tf.tidy(() => loss()).dispose(); // build
    const { grads, value } = tf.variableGrads(loss);
    const eps = 1e-2;
    const base = layer.getWeights().map((t) => t.clone());
    layer.trainableWeights.forEach((v, k) => {
      const g = (grads[v.name] as tf.Tensor).dataSync();
      const w0 = (base[k] as tf.Tensor).dataSync();
      const scale = Math.max(1e-3, ...Array.from(g, Math.abs));
      for (let j = 0; j < w0.length; j++) {
        const evalWith = (delta: number): number => {
          const values = Float32Array.from(w0);
          values[j] = (values[j] ?? 0) + delta;
          const t = tf.tensor(values, (base[k] as tf.Tensor).shape);
          layer.setWeights(base.map((b, i) => (i === k ? t : b)));
          t.dispose();
          return tf.tidy(() => loss().arraySync());
        };
        const numeric = (evalWith(eps) - evalWith(-eps)) / (2 * eps);
        expect(Math.abs((g[j] ?? NaN) - numeric)).toBeLessThan(GRAD_RTOL * (scale + Math.abs(numeric)));
      }
      layer.setWeights(base);
    });
    tf.dispose([...Object.values(grads), value, ...base, lw, batch.instances]);
    layer.dispose();
  });

  it('leaks no tensor in forward and backward passes', () => {
    const layer = make({ units: 3 });
    const batch = createRaggedBatch([[[1, 2, 3]], [[4, 5, 6], [0, 1, 0]]]);
    tf.dispose(Object.values(layer.pool(batch))); // builds the weights
    const before = tf.memory().numTensors;
    tf.dispose(Object.values(layer.pool(batch)));
    const { grads, value } = tf.variableGrads(() => tf.sum(layer.pool(batch).output));
    tf.dispose([...Object.values(grads), value]);
    const g = tf.grad((x: tf.Tensor) => tf.sum(layer.pool({ ...batch, instances: x as tf.Tensor2D }).output))(
      batch.instances,
    );
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
    batch.instances.dispose();
    layer.dispose();
  });

  it('has trainable weights, with or without biases', () => {
    const batch = createRaggedBatch([[[1, 2]]]);
    for (const [useBias, n] of [
      [true, numWeights.withBias],
      [false, numWeights.withoutBias],
    ] as const) {
      const layer = make({ units: 4, useBias });
      tf.dispose(Object.values(layer.pool(batch)));
      expect(layer.trainableWeights).toHaveLength(n);
      layer.dispose();
    }
    batch.instances.dispose();
  });

  it('round-trips through getConfig → fromConfig with the same weights', () => {
    const layer = make({ units: 5, useBias: false, seed: 21, name: 'pool_a' });
    const batch = createRaggedBatch(bags);
    const before = layer.pool(batch);
    const ctor = layer.constructor as unknown as { className: string };
    const config = JSON.parse(JSON.stringify(layer.getConfig())) as tf.serialization.ConfigDict;
    expect(config).toMatchObject({ units: 5, useBias: false, seed: 21, name: 'pool_a' });
    const entry = tf.serialization.SerializationMap.getMap().classNameMap[ctor.className];
    expect(entry).toBeDefined();
    const [cls, fromConfig] = entry as [tf.serialization.SerializableConstructor<tf.serialization.Serializable>, tf.serialization.FromConfigMethod<tf.serialization.Serializable>];
    const copy = fromConfig(cls, config) as AttentionLayerLike;
    expect(copy).toBeInstanceOf(layer.constructor);
    tf.dispose(Object.values(copy.pool(batch))); // build, then copy the weights
    copy.setWeights(layer.getWeights());
    const after = copy.pool(batch);
    expectClose(after.output.arraySync(), before.output.arraySync(), 1e-6);
    expectClose(after.attention.arraySync(), before.attention.arraySync(), 1e-6);
    tf.dispose([before.output, before.attention, after.output, after.attention, batch.instances]);
    layer.dispose();
    copy.dispose();
  });

  it('learns to attend to the key instance of each bag (training with Adam)', () => {
    const layer = make({ units: 8, seed: 2 });
    // 6 bags of 5 instances, D = 3; instance (b + 2) % 5 of bag b is the key instance: feature 0 is +3, not in [−1, 1].
    const rows = Array.from({ length: 30 }, (_, i) => {
      const b = Math.floor(i / 5);
      const key = i % 5 === (b + 2) % 5;
      return [key ? 3 : Math.sin(i * 1.7), Math.cos(i * 2.3), Math.sin(i * 0.9 + 1)];
    });
    const keyMask = tf.tensor1d(rows.map((r) => (r[0] === 3 ? 1 : 0)));
    const batch = createRaggedBatch(Array.from({ length: 6 }, (_, b) => rows.slice(5 * b, 5 * b + 5)));
    const keyAttention = (): number =>
      tf.tidy(() => tf.sum(tf.mul(layer.pool(batch).attention, keyMask)).div(6).arraySync() as number);
    const start = keyAttention();
    const optimizer = tf.train.adam(0.05);
    for (let step = 0; step < 60; step++) {
      optimizer.minimize(() => {
        const { attention } = layer.pool(batch);
        // −mean_b log(attention on the key instance of bag b): the key weight of a bag is its only masked term.
        return tf.neg(tf.div(tf.sum(tf.log(tf.add(tf.mul(attention, keyMask), tf.sub(1, keyMask)))), 6)) as tf.Scalar;
      });
    }
    const end = keyAttention();
    expect(start).toBeLessThan(0.5);
    expect(end).toBeGreaterThan(0.9);
    optimizer.dispose();
    tf.dispose([keyMask, batch.instances]);
    layer.dispose();
  });

  it('rejects bad units and a call without segments', () => {
    expect(() => make({ units: 0 })).toThrow(/units must be an integer ≥ 1, got 0/);
    const layer = make({ units: 2 });
    const x = tf.ones([2, 2]);
    expect(() => layer.apply(x)).toThrow(/call needs kwargs.segments/);
    x.dispose();
    layer.dispose();
  });
}
