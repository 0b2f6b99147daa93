import type { BagSegments } from './bagAssignmentMatrix.js';

/**
 * Start offset of every bag when each bag's instances form one contiguous block of rows (as `createRaggedBatch`
 * makes them), else `null`. Bag b then occupies rows [start_b, start_b + N_b).
 *
 * Pooling uses this for a fast path (one slice per bag, no [B, ΣN, D] masked tensor).
 * @internal
 */
export function contiguousBagStarts(segments: BagSegments): Int32Array | null {
  const { bagIds, numBags } = segments;
  const starts = new Int32Array(numBags).fill(-1);
  let previous = -1;
  for (let i = 0; i < bagIds.length; i++) {
    const b = bagIds[i] ?? -1;
    if (b !== previous) {
      if (b < 0 || b >= numBags || starts[b] !== -1) return null;
      starts[b] = i;
      previous = b;
    }
  }
  return starts.includes(-1) ? null : starts;
}
