import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AttentionPooling } from '../../src/mil/attentionPooling.js';
import { AGGREGATOR_NAMES, createAggregator } from '../../src/mil/createAggregator.js';
import { GatedAttentionPooling } from '../../src/mil/gatedAttentionPooling.js';
import { InstanceScorePooling } from '../../src/mil/instanceScorePooling.js';
import { logSumExpPooling } from '../../src/mil/logSumExpPooling.js';
import { maxPooling } from '../../src/mil/maxPooling.js';
import { meanPooling } from '../../src/mil/meanPooling.js';
import { createRaggedBatch } from '../../src/mil/raggedBatch.js';
import { topKMeanPooling } from '../../src/mil/topKMeanPooling.js';
import { ArgumentError } from '../../src/core/index.js';
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
      expect((agg.layer as AttentionPooling | GatedAttentionPooling).units).toBe(6);
      const { output, attention } = agg.pool(batch);
      expect(output.shape).toEqual([2, 2]);
      expect(attention?.shape).toEqual([4]);
      tf.dispose([output, attention ?? []]);
      agg.layer?.dispose();
    }
    batch.instances.dispose();
  });

  it('makes instanceScore as an InstanceScorePooling layer that pools like one built directly with the same seed', () => {
    const batch = createRaggedBatch(bags);
    for (const [method, extra] of [
      ['mean', {}],
      ['max', {}],
      ['logSumExp', { temperature: 0.5 }],
      ['topKMean', { k: 2 }],
    ] as const) {
      const agg = createAggregator('instanceScore', { method, ...extra, seed: 7, name: `score_${method}` });
      const direct = new InstanceScorePooling({ method, ...extra, seed: 7 });
      expect(agg.name).toBe('instanceScore');
      expect(agg.layer).toBeInstanceOf(InstanceScorePooling);
      const layer = agg.layer as InstanceScorePooling;
      expect([layer.method, layer.name]).toEqual([method, `score_${method}`]);
      if ('k' in extra) expect(layer.k).toBe(2);
      if ('temperature' in extra) expect(layer.temperature).toBe(0.5);
      const { output, attention } = agg.pool(batch);
      // the weights exist after the first pool, like the attention layers'
      expect(layer.weights.map((w) => w.shape)).toEqual([[2, 1], [1]]);
      expect(layer.trainableWeights).toHaveLength(2);
      const expected = direct.pool(batch);
      expect(output.shape).toEqual([2, 1]);
      expect(attention).toBeNull();
      expectClose(output.arraySync(), expected.output.arraySync(), 1e-6);
      tf.dispose([output, expected.output, expected.scores]);
      layer.dispose();
      direct.dispose();
    }
    // default method: the mean of the scores
    const agg = createAggregator('instanceScore', { seed: 3 });
    expect((agg.layer as InstanceScorePooling).method).toBe('mean');
    tf.dispose(agg.pool(batch).output);
    agg.layer?.dispose();
    batch.instances.dispose();
  });

  it('covers every listed name, pooling to [B, D] ([B, 1] for instanceScore) without leaking', () => {
    const batch = createRaggedBatch(bags);
    for (const name of AGGREGATOR_NAMES) {
      const agg = createAggregator(name, { units: 4 });
      expect(agg.name).toBe(name);
      tf.dispose(Object.values(agg.pool(batch)).filter((t) => t !== null)); // builds layers
      const before = tf.memory().numTensors;
      const { output, attention } = agg.pool(batch);
      expect(output.shape).toEqual([2, name === 'instanceScore' ? 1 : 2]);
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
    const bad = [
      [{ method: 'median' as 'mean' }, /^createAggregator: options\.method must be one of "mean", "max", "logSumExp", "topKMean", got "median"$/],
      [{ method: 'topKMean', k: 0 }, /^createAggregator: options\.k must be an integer ≥ 1, got 0$/],
      [{ method: 'logSumExp', temperature: 0 }, /^createAggregator: options\.temperature must be a finite number > 0, got 0$/],
      [{ seed: 0.5 }, /^createAggregator: options\.seed must be an integer, got 0\.5$/],
      [{ name: '' }, /^createAggregator: options\.name must be a non-empty string/],
    ] as const;
    for (const [options, message] of bad) {
      expect(() => createAggregator('instanceScore', options)).toThrow(ArgumentError);
      expect(() => createAggregator('instanceScore', options)).toThrow(message);
    }
  });
});
