import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bagAssignmentMatrix } from '../../src/mil/bagAssignmentMatrix.js';
import { useCpuBackend } from './milTestUtils.js';

beforeAll(useCpuBackend);

describe('bagAssignmentMatrix', () => {
  const segments = { bagIds: Int32Array.of(1, 0, 1, 1), bagSizes: Int32Array.of(1, 3), numBags: 2 };

  it('is one-hot [B, ΣN] for unsorted ids', () => {
    const a = bagAssignmentMatrix(segments);
    expect(a.shape).toEqual([2, 4]);
    expect(a.arraySync()).toEqual([
      [0, 1, 0, 0],
      [1, 0, 1, 1],
    ]);
    a.dispose();
  });

  it('has rows summing to 1 when normalised', () => {
    const a = bagAssignmentMatrix(segments, { normalize: true });
    const sums = a.sum(1);
    expect(Array.from(sums.dataSync()).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([1, 1]);
    tf.dispose([a, sums]);
  });

  it('rejects an id out of range', () => {
    expect(() => bagAssignmentMatrix({ bagIds: Int32Array.of(0, 3), bagSizes: Int32Array.of(1, 1), numBags: 2 })).toThrow(
      'bagAssignmentMatrix: segments.bagIds[1] must be a bag id in [0, 2), got 3',
    );
  });
});
