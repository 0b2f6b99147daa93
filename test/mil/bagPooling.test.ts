import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BagPooling, type BagPoolingArgs } from '../../src/mil/bagPooling.js';
import { logSumExpPooling } from '../../src/mil/logSumExpPooling.js';
import { maxPooling } from '../../src/mil/maxPooling.js';
import { meanPooling } from '../../src/mil/meanPooling.js';
import { raggedToPadded } from '../../src/mil/paddedBatch.js';
import { createRaggedBatch } from '../../src/mil/raggedBatch.js';
import { topKMeanPooling } from '../../src/mil/topKMeanPooling.js';
import { expectClose, useCpuBackend } from './milTestUtils.js';

beforeAll(useCpuBackend);

describe('BagPooling', () => {
  const bags = [
    [
      [1, -2],
      [4, 0.5],
      [-3, 2],
    ],
    [[2, 7]],
  ];
  const cases: [BagPoolingArgs, (b: ReturnType<typeof createRaggedBatch>) => tf.Tensor2D][] = [
    [{}, meanPooling],
    [{ method: 'max' }, maxPooling],
    [{ method: 'logSumExp', temperature: 0.4 }, (b) => logSumExpPooling(b, { temperature: 0.4 })],
    [{ method: 'topKMean', k: 2 }, (b) => topKMeanPooling(b, { k: 2 })],
  ];

  it('equals the pooling function it wraps, on ragged and padded batches, without leaks', () => {
    const batch = createRaggedBatch(bags);
    const padded = raggedToPadded(batch);
    for (const [args, fn] of cases) {
      const layer = new BagPooling(args);
      const expected = fn(batch);
      const before = tf.memory().numTensors;
      const a = layer.pool(batch).output;
      const b = layer.pool(padded).output;
      expectClose(a.arraySync(), expected.arraySync());
      expectClose(b.arraySync(), expected.arraySync());
      tf.dispose([a, b]);
      expect(tf.memory().numTensors).toBe(before);
      expected.dispose();
    }
    tf.dispose([batch.instances, padded.values, padded.mask]);
  });

  it('round-trips through getConfig → fromConfig', () => {
    const batch = createRaggedBatch(bags);
    const layer = new BagPooling({ method: 'topKMean', k: 2, name: 'p' });
    const config = JSON.parse(JSON.stringify(layer.getConfig())) as tf.serialization.ConfigDict;
    expect(config).toMatchObject({ method: 'topKMean', k: 2, temperature: 1, name: 'p' });
    const entry = tf.serialization.SerializationMap.getMap().classNameMap[BagPooling.className];
    const [cls, fromConfig] = entry as [
      tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
      tf.serialization.FromConfigMethod<tf.serialization.Serializable>,
    ];
    const copy = fromConfig(cls, config) as BagPooling;
    const a = layer.pool(batch).output;
    const b = copy.pool(batch).output;
    expectClose(b.arraySync(), a.arraySync(), 1e-6);
    tf.dispose([a, b, batch.instances]);
  });

  it('rejects unknown methods and out-of-range options', () => {
    expect(() => new BagPooling({ method: 'median' as 'mean' })).toThrow(/^BagPooling: args\.method must be one of .*, got "median"$/);
    expect(() => new BagPooling({ temperature: 0 })).toThrow('BagPooling: args.temperature must be a finite number > 0, got 0');
    expect(() => new BagPooling({ k: 0 })).toThrow('BagPooling: args.k must be an integer ≥ 1, got 0');
  });
});
