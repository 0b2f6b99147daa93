/**
 * Every aggregator, forward and backward, on the tfjs `wasm` backend must agree with the `cpu` backend: the mil
 * code uses only ops that wasm implements with gradients (no UnsortedSegmentSum, no Gather gradient).
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AGGREGATOR_NAMES, createAggregator } from '../../src/mil/createAggregator.js';
import { paddedToRagged, raggedToPadded } from '../../src/mil/paddedBatch.js';
import { poolInstancePredictions } from '../../src/mil/poolInstancePredictions.js';
import { raggedBatchFromIds } from '../../src/mil/raggedBatch.js';
import { expectClose, separatedBags } from './milTestUtils.js';

const rows = separatedBags([3, 1, 4], 3, 5).flat();
const unsortedIds = [2, 0, 1, 0, 2, 2, 0, 2]; // general path (one-hot matMul / masking)
const sortedIds = [0, 0, 0, 1, 2, 2, 2, 2]; // contiguous fast path (slices)

/** Output, attention and input gradient of one aggregator on the current backend, as arrays. */
function run(
  name: (typeof AGGREGATOR_NAMES)[number],
  ids: number[],
): { output: number[][]; attention: number[] | null; grad: number[][] } {
  const agg = createAggregator(name, { units: 4, seed: 3, k: 2, temperature: 0.7 });
  const x = tf.tensor2d(rows);
  const batch = raggedBatchFromIds(x, ids);
  const { output, attention } = agg.pool(batch);
  const w = tf.tensor2d([[1, -2, 0.5], [0.3, 1, 2], [-1, 0.5, 1]]);
  const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(agg.pool({ ...batch, instances: t as tf.Tensor2D }).output, w)))(x);
  const result = { output: output.arraySync(), attention: attention?.arraySync() ?? null, grad: grad.arraySync() as number[][] };
  tf.dispose([x, output, attention ?? [], w, grad]);
  agg.layer?.dispose();
  return result;
}

describe('mil on the wasm backend', () => {
  const cpu = new Map<string, ReturnType<typeof run>>();

  beforeAll(async () => {
    await tf.setBackend('cpu');
    for (const name of AGGREGATOR_NAMES) {
      cpu.set(`${name} unsorted`, run(name, unsortedIds));
      cpu.set(`${name} sorted`, run(name, sortedIds));
    }
    setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
    expect(await tf.setBackend('wasm')).toBe(true);
  });

  for (const [layout, ids] of [
    ['unsorted', unsortedIds],
    ['sorted', sortedIds],
  ] as const) {
    for (const name of AGGREGATOR_NAMES) {
      it(`${name}, ${layout} ids: forward and backward agree with cpu, no leak`, () => {
        expect(tf.getBackend()).toBe('wasm');
        const before = tf.memory().numTensors;
        const got = run(name, ids);
        const ref = cpu.get(`${name} ${layout}`);
        expectClose(got.output, ref?.output);
        expectClose(got.grad, ref?.grad);
        if (ref?.attention) expectClose(got.attention, ref.attention);
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  }

  it('padded round trip and instance-prediction pooling run on wasm', () => {
    const x = tf.tensor2d(rows);
    const padded = raggedToPadded(raggedBatchFromIds(x, unsortedIds));
    const back = paddedToRagged(padded);
    expect(back.instances.shape).toEqual([8, 3]);
    const p = poolInstancePredictions(tf.sum(back.instances, 1) as tf.Tensor1D, back, { method: 'topKMean', k: 2 });
    expect(p.shape).toEqual([3]);
    tf.dispose([x, padded.values, padded.mask, back.instances, p]);
  });
});
