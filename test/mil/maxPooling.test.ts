import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxPooling } from '../../src/mil/maxPooling.js';
import { createRaggedBatch } from '../../src/mil/raggedBatch.js';
import { refMax, useCpuBackend } from './milTestUtils.js';
import { poolingContract } from './poolingContract.js';

beforeAll(useCpuBackend);

describe('maxPooling', () => {
  poolingContract(maxPooling, refMax);

  it('ignores other bags even when they hold larger values', () => {
    const batch = createRaggedBatch([[[-1e6], [-5e5]], [[1e6]]]);
    const out = maxPooling(batch);
    expect(out.arraySync()).toEqual([[-5e5], [1e6]]);
    tf.dispose([out, batch.instances]);
  });

  it('sends the gradient only to the arg-max instance', () => {
    const batch = createRaggedBatch([[[1], [3], [2]]]);
    const g = tf.grad((x: tf.Tensor) => tf.sum(maxPooling({ ...batch, instances: x as tf.Tensor2D })))(batch.instances);
    expect(g.arraySync()).toEqual([[0], [1], [0]]);
    tf.dispose([g, batch.instances]);
  });
});
