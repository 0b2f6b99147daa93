import { describe, expect, it } from 'vitest';
import { crossValidatedBalancedAccuracy, syntheticPatientTable } from '../../examples/synthetic-separability.js';

describe('examples/synthetic-separability', () => {
  it('the classes separate when the effect sizes are large and not when they are 0', () => {
    const base = { seed: 3, patientCount: 30, imagesPerPatient: { min: 4, max: 6 } } as const;
    const none = syntheticPatientTable({ ...base, morphologyEffect: 0, metadataEffect: 0 });
    const large = syntheticPatientTable({ ...base, morphologyEffect: 3, metadataEffect: 3 });
    const score = (t: typeof none): number =>
      crossValidatedBalancedAccuracy(t.features.map((f, i) => [...f, ...t.metadata[i]!]), t.labels, { reps: 2 }).mean;
    const s0 = score(none);
    const s3 = score(large);
    expect(s3).toBeGreaterThanOrEqual(0.8);
    expect(s3).toBeGreaterThan(s0 + 0.15);
  });
});
