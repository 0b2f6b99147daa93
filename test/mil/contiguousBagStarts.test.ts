import { describe, expect, it } from 'vitest';
import { contiguousBagStarts } from '../../src/mil/contiguousBagStarts.js';

const segs = (ids: number[], numBags: number) => ({
  bagIds: Int32Array.from(ids),
  bagSizes: Int32Array.from({ length: numBags }, (_, b) => ids.filter((i) => i === b).length),
  numBags,
});

describe('contiguousBagStarts', () => {
  it('returns the start of every bag when bags are contiguous blocks, in any bag order', () => {
    expect(Array.from(contiguousBagStarts(segs([0, 0, 1, 2, 2, 2], 3)) ?? [])).toEqual([0, 2, 3]);
    expect(Array.from(contiguousBagStarts(segs([2, 0, 0, 1], 3)) ?? [])).toEqual([1, 3, 0]);
    expect(Array.from(contiguousBagStarts(segs([0], 1)) ?? [])).toEqual([0]);
  });

  it('returns null when a bag is split into several blocks', () => {
    expect(contiguousBagStarts(segs([0, 1, 0], 2))).toBeNull();
  });
});
