import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { InstanceScorePooling } from '../../src/mil/instanceScorePooling.js';
import { raggedToPadded } from '../../src/mil/paddedBatch.js';
import { createRaggedBatch } from '../../src/mil/raggedBatch.js';
import { expectClose, useCpuBackend } from './milTestUtils.js';

beforeAll(useCpuBackend);

const bags = [
  [
    [1, -2],
    [4, 0.5],
    [-3, 2],
  ],
  [[2, 7]],
];

/** Independent reference: scores by hand from the layer's weights, pooled in plain JavaScript. */
function reference(layer: InstanceScorePooling, method: string, k = 3): { output: number[][]; scores: number[] } {
  const [w, c] = layer.getWeights().map((t) => Array.from(t.dataSync()));
  const scoresPerBag = bags.map((bag) => bag.map((h) => h[0]! * w![0]! + h[1]! * w![1]! + c![0]!));
  const pool = (s: number[]): number => {
    const sorted = [...s].sort((a, b) => b - a);
    if (method === 'max') return sorted[0]!;
    if (method === 'topKMean') return sorted.slice(0, Math.min(k, s.length)).reduce((a, x) => a + x, 0) / Math.min(k, s.length);
    if (method === 'logSumExp') return Math.log(s.reduce((a, x) => a + Math.exp(x), 0) / s.length);
    return s.reduce((a, x) => a + x, 0) / s.length;
  };
  return { output: scoresPerBag.map((s) => [pool(s)]), scores: scoresPerBag.flat() };
}

describe('InstanceScorePooling', () => {
  it('scores each instance linearly and pools the scores per bag, ragged and padded, without leaks', () => {
    const batch = createRaggedBatch(bags);
    const padded = raggedToPadded(batch);
    for (const [method, k] of [['mean', 3], ['max', 3], ['topKMean', 2], ['logSumExp', 3]] as const) {
      const layer = new InstanceScorePooling({ method, k, seed: 1 });
      const first = layer.pool(batch); // builds the weights
      tf.dispose([first.output, first.scores]);
      const before = tf.memory().numTensors;
      const a = layer.pool(batch);
      const b = layer.pool(padded);
      const ref = reference(layer, method, k);
      expect(a.output.shape).toEqual([2, 1]);
      expectClose(a.output.arraySync(), ref.output);
      expectClose(a.scores.arraySync(), ref.scores);
      expectClose(b.output.arraySync(), ref.output);
      tf.dispose([a.output, a.scores, b.output, b.scores]);
      expect(tf.memory().numTensors).toBe(before);
      layer.dispose();
    }
    tf.dispose([batch.instances, padded.values, padded.mask]);
  });

  it('is invariant to the order of the instances in a bag (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.float({ min: -5, max: 5, noNaN: true }), fc.float({ min: -5, max: 5, noNaN: true })), { minLength: 1, maxLength: 8 }), (rows) => {
        const layer = new InstanceScorePooling({ method: 'topKMean', k: 2, seed: 3 });
        const a = createRaggedBatch([rows.map((r) => [...r])]);
        const b = createRaggedBatch([[...rows].reverse().map((r) => [...r])]);
        const [x, y] = [layer.pool(a), layer.pool(b)];
        expect(x.output.dataSync()[0]).toBeCloseTo(y.output.dataSync()[0]!, 4);
        tf.dispose([x.output, x.scores, y.output, y.scores, a.instances, b.instances]);
        layer.dispose();
      }),
      { numRuns: 20 },
    );
  });

  it('trains end to end: gradients reach the scorer through the pooling', () => {
    const batch = createRaggedBatch(bags);
    const layer = new InstanceScorePooling({ method: 'max', seed: 2 });
    tf.dispose(Object.values(layer.pool(batch)));
    const { grads } = tf.variableGrads(() => tf.sum(layer.pool(batch).output) as tf.Scalar, layer.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val));
    const g = Object.values(grads);
    expect(g).toHaveLength(2);
    expect(g.some((t) => t.abs().sum().dataSync()[0]! > 0)).toBe(true);
    tf.dispose([...g, batch.instances]);
    layer.dispose();
  });

  it('round-trips through getConfig, and refuses bad arguments naming them', () => {
    const layer = new InstanceScorePooling({ method: 'topKMean', k: 4, seed: 7, name: 'isp' });
    const config = JSON.parse(JSON.stringify(layer.getConfig())) as tf.serialization.ConfigDict;
    expect(config).toMatchObject({ method: 'topKMean', k: 4, seed: 7, name: 'isp' });
    const entry = tf.serialization.SerializationMap.getMap().classNameMap[InstanceScorePooling.className];
    expect(entry).toBeDefined();
    expect(() => new InstanceScorePooling({ method: 'median' as never })).toThrow(/InstanceScorePooling.*args\.method/);
    expect(() => new InstanceScorePooling({ k: 0 })).toThrow(/InstanceScorePooling.*args\.k/);
    expect(() => new InstanceScorePooling({ temperature: 0 })).toThrow(/InstanceScorePooling.*args\.temperature/);
  });
});
