import { describe, expect, it } from 'vitest';
import { crossValidatedBalancedAccuracy, syntheticPatientBags } from '../../examples/synthetic-separability.js';

describe('examples/synthetic-separability', () => {
  it('the classes separate when the effect sizes are large and not when they are 0', async () => {
    const base = { seed: 3, patientCount: 30, imagesPerPatient: { min: 4, max: 6 } } as const;
    const none = syntheticPatientBags({ ...base, morphologyEffect: 0, metadataEffect: 0 });
    const large = syntheticPatientBags({ ...base, morphologyEffect: 3, metadataEffect: 3 });
    const score = async (t: typeof none): Promise<number> => (await crossValidatedBalancedAccuracy(t.bags, ['handmade', 'metadata'], { reps: 2 })).mean;
    const s0 = await score(none);
    const s3 = await score(large);
    expect(s3).toBeGreaterThanOrEqual(0.8);
    expect(s3).toBeGreaterThan(s0 + 0.15);
  });
});
