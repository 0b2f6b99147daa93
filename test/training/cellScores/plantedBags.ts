import type { PatientBag } from '../../../src/models/index.js';
import { seededRandom } from '../../../src/core/index.js';

/**
 * Synthetic patients with a planted per-cell signal: every cell has `cols` standard-normal features; in a malignant
 * patient a fraction `share` of the cells has feature 0 shifted by `shift`. Age and count carry a weak signal.
 */
export function plantedBags(
  patients: number,
  { seed = 1, cols = 4, share = 0.4, shift = 3, minCells = 5, maxCells = 30 } = {},
): PatientBag[] {
  const rng = seededRandom(seed);
  return Array.from({ length: patients }, (_, p): PatientBag => {
    const label = (p % 2) as 0 | 1;
    const rows = rng.int(minCells, maxCells + 1);
    const data = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) data[i * cols + j] = rng.normal();
      if (label === 1 && rng.next() < share) data[i * cols]! += shift;
    }
    return {
      id: `P${p}`,
      label,
      age: 60 + 5 * label + rng.normal(0, 10),
      lymphCount: Math.exp(1 + 0.3 * label + rng.normal(0, 0.5)),
      handmade: { data, rows, cols },
    };
  });
}
