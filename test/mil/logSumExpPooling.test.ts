import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { logSumExpPooling } from '../../src/mil/logSumExpPooling.js';
import { createRaggedBatch } from '../../src/mil/raggedBatch.js';
import { expectClose, refLogSumExp, refMax, refMean, referencePool, useCpuBackend } from './milTestUtils.js';
import { poolingContract } from './poolingContract.js';

beforeAll(useCpuBackend);

describe('logSumExpPooling', () => {
  describe('temperature 1 (default)', () => {
    poolingContract((b) => logSumExpPooling(b), refLogSumExp(1));
  });
  describe('temperature 0.5', () => {
    poolingContract((b) => logSumExpPooling(b, { temperature: 0.5 }), refLogSumExp(0.5));
  });

  const bags = [
    [
      [1, -2],
      [4, 0.5],
      [-3, 2],
    ],
    [[2, 7]],
  ];

  it('tends to max pooling as T → 0 and to mean pooling as T → ∞', () => {
    const batch = createRaggedBatch(bags);
    const cold = logSumExpPooling(batch, { temperature: 1e-3 });
    const hot = logSumExpPooling(batch, { temperature: 1e4 });
    expectClose(cold.arraySync(), referencePool(bags, refMax), 1e-2);
    expectClose(hot.arraySync(), referencePool(bags, refMean), 1e-2);
    tf.dispose([cold, hot, batch.instances]);
  });

  it('stays finite for values that would overflow a naive exp', () => {
    const batch = createRaggedBatch([[[500], [1000]], [[-1000]]]);
    const out = logSumExpPooling(batch, { temperature: 1 });
    const v = out.arraySync();
    expectClose(v, [[1000 - Math.log(2)], [-1000]]);
    tf.dispose([out, batch.instances]);
  });

  it('rejects a non-positive or non-finite temperature', () => {
    const batch = createRaggedBatch([[[1]]]);
    expect(() => logSumExpPooling(batch, { temperature: 0 })).toThrow(/^logSumExpPooling: options\.temperature must be a finite number > 0, got 0$/);
    expect(() => logSumExpPooling(batch, { temperature: Number.POSITIVE_INFINITY })).toThrow(/logSumExpPooling/);
    batch.instances.dispose();
  });
});
