import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMixtureBatch, disposeMixtureBatch, METADATA_NAMES, type PatientBag } from '../../src/models/index.js';
import { useCpu } from './modelTestUtils.js';

const bags: PatientBag[] = [
  { id: 'P1', age: 70, lymphCount: 0, images: { data: Float32Array.of(1, 2, 3, 4), rows: 2, cols: 2 }, handmade: { data: Float32Array.of(9), rows: 1, cols: 1 } },
  { id: 'P2', age: 35.5, lymphCount: Math.E - 1, images: { data: Float32Array.of(5, 6), rows: 1, cols: 2 }, handmade: { data: Float32Array.of(7, 8), rows: 2, cols: 1 } },
];

describe('createMixtureBatch', () => {
  beforeAll(useCpu);

  it('packs metadata [B, 2] = age, log(1 + count) and ragged bags with contiguous ids', () => {
    const batch = createMixtureBatch(bags, { imageDim: 2, handmadeDim: 1 });
    expect(METADATA_NAMES).toEqual(['age', 'logLymphCount']);
    expect(batch.size).toBe(2);
    const meta = batch.metadata.arraySync();
    expect(meta[0]).toEqual([70, 0]);
    expect(meta[1]?.[0]).toBeCloseTo(35.5, 5);
    expect(meta[1]?.[1]).toBeCloseTo(1, 6);
    expect(batch.images?.instances.arraySync()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(Array.from(batch.images?.bagIds ?? [])).toEqual([0, 0, 1]);
    expect(Array.from(batch.handmade?.bagSizes ?? [])).toEqual([1, 2]);
    disposeMixtureBatch(batch);
  });

  it('skips what is not requested and frees everything', () => {
    const before = tf.memory().numTensors;
    const batch = createMixtureBatch(bags);
    expect(batch.images).toBeNull();
    expect(batch.handmade).toBeNull();
    disposeMixtureBatch(batch);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names the patient when its data cannot be packed', () => {
    expect(() => createMixtureBatch(bags, { imageDim: 3 })).toThrow('createMixtureBatch: patient P1 images must be [N ≥ 1, 3] with N·3 float32 values, got "[2, 2] with Float32Array(4)"');
    expect(() => createMixtureBatch([{ id: 'P3', age: 1, lymphCount: -2 }])).toThrow('createMixtureBatch: patient P3 must be a finite age and lymphCount ≥ 0, got "1 and -2"');
    expect(() => createMixtureBatch([{ id: 'P4', age: 1, lymphCount: 1 }], { handmadeDim: 2 })).toThrow('createMixtureBatch: patient P4 handmade features must be present (the model reads handmade features), got undefined');
  });
});
