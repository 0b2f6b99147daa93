import type { PatientBag } from '../../../src/models/index.js';
import { seededRandom } from '../../../src/core/index.js';

/** Patients whose label shifts the image embeddings, the handmade features and the count (a learnable task). */
export function signalBags(count: number, seed: number): PatientBag[] {
  const random = seededRandom(seed).next;
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Array.from({ length: count }, (_, i): PatientBag => {
    const label = (i % 3 === 0 ? 0 : 1) as 0 | 1;
    const n = 2 + Math.floor(random() * 5);
    const shift = label === 1 ? 0.8 : -0.8;
    return {
      id: `S${i}`,
      label,
      age: 60 + 10 * gauss(),
      lymphCount: Math.exp(2 + 0.5 * label + 0.3 * gauss()),
      images: { data: Float32Array.from({ length: n * 6 }, () => shift + gauss()), rows: n, cols: 6 },
      handmade: { data: Float32Array.from({ length: n * 3 }, () => shift / 2 + gauss()), rows: n, cols: 3 },
    };
  });
}

