import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxPooling } from '../../src/mil/maxPooling.js';
import { meanPooling } from '../../src/mil/meanPooling.js';
import { createRaggedBatch } from '../../src/mil/raggedBatch.js';
import { topKMeanPooling } from '../../src/mil/topKMeanPooling.js';
import { expectClose, refTopKMean, useCpuBackend } from './milTestUtils.js';
import { poolingContract } from './poolingContract.js';

beforeAll(useCpuBackend);

describe('topKMeanPooling', () => {
  describe('k = 2', () => {
    poolingContract((b) => topKMeanPooling(b, { k: 2 }), refTopKMean(2));
  });
  describe('k = 3 (default)', () => {
    poolingContract((b) => topKMeanPooling(b), refTopKMean(3));
  });

  const bags = [
    [
      [1, 9],
      [5, -1],
      [3, 4],
      [2, 0],
    ],
    [[4, 4]],
  ];

  it('equals max pooling for k = 1 and mean pooling for k ≥ N_max', () => {
    const batch = createRaggedBatch(bags);
    const pairs = [
      [topKMeanPooling(batch, { k: 1 }), maxPooling(batch)],
      [topKMeanPooling(batch, { k: 10 }), meanPooling(batch)],
    ];
    for (const [a, b] of pairs) expectClose(a?.arraySync(), b?.arraySync());
    tf.dispose([...pairs.flat(), batch.instances]);
  });

  it('counts a tied value once per selected slot', () => {
    const batch = createRaggedBatch([[[5], [3], [3]]]);
    const out = topKMeanPooling(batch, { k: 2 });
    expectClose(out.arraySync(), [[4]]);
    tf.dispose([out, batch.instances]);
  });

  it('spreads the gradient 1/k_b over the selected instances only', () => {
    const batch = createRaggedBatch([[[1], [5], [3]], [[7]]]);
    const g = tf.grad((x: tf.Tensor) => tf.sum(topKMeanPooling({ ...batch, instances: x as tf.Tensor2D }, { k: 2 })))(
      batch.instances,
    );
    expectClose(g.arraySync(), [[0], [0.5], [0.5], [1]]);
    tf.dispose([g, batch.instances]);
  });

  it('rejects k that is not a positive integer', () => {
    const batch = createRaggedBatch([[[1]]]);
    expect(() => topKMeanPooling(batch, { k: 0 })).toThrow(/^topKMeanPooling: options\.k must be an integer ≥ 1, got 0$/);
    expect(() => topKMeanPooling(batch, { k: 1.5 })).toThrow(/got 1.5/);
    batch.instances.dispose();
  });
});
