import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AttentionPooling } from '../../src/mil/attentionPooling.js';
import { AGGREGATOR_NAMES, createAggregator } from '../../src/mil/createAggregator.js';
import { GatedAttentionPooling } from '../../src/mil/gatedAttentionPooling.js';
import { logSumExpPooling } from '../../src/mil/logSumExpPooling.js';
import { maxPooling } from '../../src/mil/maxPooling.js';
import { meanPooling } from '../../src/mil/meanPooling.js';
import { createRaggedBatch } from '../../src/mil/raggedBatch.js';
import { topKMeanPooling } from '../../src/mil/topKMeanPooling.js';
import { expectClose, useCpuBackend } from './milTestUtils.js';

beforeAll(useCpuBackend);

describe('createAggregator', () => {
  const bags = [
    [
      [1, -2],
      [4, 0.5],
      [-3, 2],
    ],
    [[2, 7]],
  ];

  it('makes the parameter-free aggregators with their options', () => {
    const batch = createRaggedBatch(bags);
    const cases = [
      [createAggregator('mean'), meanPooling(batch)],
      [createAggregator('max'), maxPooling(batch)],
      [createAggregator('logSumExp', { temperature: 0.3 }), logSumExpPooling(batch, { temperature: 0.3 })],
      [createAggregator('topKMean', { k: 2 }), topKMeanPooling(batch, { k: 2 })],
    ] as const;
    for (const [agg, expected] of cases) {
      const { output, attention } = agg.pool(batch);
      expect(agg.layer).toBeNull();
      expect(attention).toBeNull();
      expectClose(output.arraySync(), expected.arraySync());
      tf.dispose([output, expected]);
    }
    batch.instances.dispose();
  });

  it('makes the attention aggregators as layers with their options', () => {
    const batch = createRaggedBatch(bags);
    for (const [name, cls] of [
      ['attention', AttentionPooling],
      ['gatedAttention', GatedAttentionPooling],
    ] as const) {
      const agg = createAggregator(name, { units: 6, useBias: false, seed: 1 });
      expect(agg.name).toBe(name);
      expect(agg.layer).toBeInstanceOf(cls);
      expect(agg.layer?.units).toBe(6);
      const { output, attention } = agg.pool(batch);
      expect(output.shape).toEqual([2, 2]);
      expect(attention?.shape).toEqual([4]);
      tf.dispose([output, attention ?? []]);
      agg.layer?.dispose();
    }
    batch.instances.dispose();
  });

  it('covers every listed name, pooling to [B, D] without leaking', () => {
    const batch = createRaggedBatch(bags);
    for (const name of AGGREGATOR_NAMES) {
      const agg = createAggregator(name, { units: 4 });
      expect(agg.name).toBe(name);
      tf.dispose(Object.values(agg.pool(batch)).filter((t) => t !== null)); // builds layers
      const before = tf.memory().numTensors;
      const { output, attention } = agg.pool(batch);
      expect(output.shape).toEqual([2, 2]);
      tf.dispose([output, attention ?? []]);
      expect(tf.memory().numTensors).toBe(before);
      agg.layer?.dispose();
    }
    batch.instances.dispose();
  });

  it('rejects unknown names and out-of-range options', () => {
    expect(() => createAggregator('median' as 'mean')).toThrow(/^createAggregator: name must be one of mean, max, .*, got "median"$/);
    expect(() => createAggregator('logSumExp', { temperature: -1 })).toThrow('temperature must be a finite number > 0, got -1');
    expect(() => createAggregator('topKMean', { k: 0 })).toThrow('k must be an integer ≥ 1, got 0');
    expect(() => createAggregator('attention', { units: 1.5 })).toThrow('units must be an integer ≥ 1, got 1.5');
  });
});
