import { describe, expect, it } from 'vitest';
import type { Patient } from '../../src/data/index.js';
import { FEATURE_NAMES } from '../../src/features/index.js';
import { buildPatientBags, type ImageFeaturesEntry, type PatientBag } from '../../src/models/index.js';

const patients: Patient[] = [
  { id: 'P1', label: 1, gender: 'M', dateOfBirth: '1950-01-01', age: 70, lymphCount: 12.5, images: ['a.jpg', 'b.jpg', 'c.jpg'] },
  { id: 'P2', gender: 'F', dateOfBirth: '1960-01-01', age: 60, lymphCount: 3, images: ['d.jpg', 'e.jpg'] },
];
const named = (v: number): Record<string, number> => Object.fromEntries(FEATURE_NAMES.map((n, j) => [n, v + j]));
/** As extractFeaturesBatch returns them: any order, image 1 without a nucleus, image 3 failed (absent). */
const features: ImageFeaturesEntry[] = [
  { index: 4, status: 'ok', features: named(40) },
  { index: 0, status: 'ok', features: named(0) },
  { index: 1, status: 'no-nucleus', features: null },
  { index: 2, status: 'ok', features: named(20) },
];

describe('buildPatientBags', () => {
  it('builds one bag per patient: clinical data as recorded (raw count), handmade rows of the ok images in image order', () => {
    const bags = buildPatientBags(patients, { features });
    expect(bags.map((b) => [b.id, b.label, b.age, b.lymphCount])).toEqual([
      ['P1', 1, 70, 12.5],
      ['P2', undefined, 60, 3],
    ]);
    const h = bags[0]?.handmade;
    expect([h?.rows, h?.cols]).toEqual([2, FEATURE_NAMES.length]);
    expect(h?.data[0]).toBe(0);
    expect(h?.data[FEATURE_NAMES.length]).toBe(20); // image 2 (image 1 has no nucleus)
    expect(h?.data[FEATURE_NAMES.length + 5]).toBe(25);
    expect(bags[1]?.handmade?.rows).toBe(1);
    expect(bags[0]?.images).toBeUndefined();
  });

  it('adds embeddings (vectors, nulls or embedImages entries) of the images that have one', () => {
    const embeddings = [Float32Array.of(1, 2), null, { embedding: Float32Array.of(5, 6) }, [7, 8], { embedding: null }];
    const bags = buildPatientBags(patients, { embeddings });
    expect(bags[0]?.images).toEqual({ data: Float32Array.of(1, 2, 5, 6), rows: 2, cols: 2 });
    expect(bags[1]?.images).toEqual({ data: Float32Array.of(7, 8), rows: 1, cols: 2 });
    expect(bags[0]?.handmade).toBeUndefined();
    // vector features in featureNames order
    const vectors = buildPatientBags(patients, { features: [0, 1, 2, 3, 4].map((index) => ({ index, status: 'ok', features: [index, 1] })), featureNames: ['a', 'b'] });
    expect(vectors[1]?.handmade).toEqual({ data: Float32Array.of(3, 1, 4, 1), rows: 2, cols: 2 });
  });

  it('names the patient without a usable image, or skips it when asked', () => {
    const none = features.filter((f) => f.index !== 4);
    expect(() => buildPatientBags(patients, { features: none })).toThrow(
      /^buildPatientBags: patient P2 must be one with at least one image with features \(status 'ok'\); .*got "2 image\(s\), none usable"/,
    );
    expect(buildPatientBags(patients, { features: none, onEmptyPatient: 'skip' }).map((b) => b.id)).toEqual(['P1']);
    expect(() => buildPatientBags(patients, { embeddings: [null, null, null, [1], [2]] })).toThrow(/patient P1 must be one with at least one image with an embedding/);
  });

  it('rejects bad inputs at once, naming the argument and the image', () => {
    expect(() => buildPatientBags(patients, { features: [{ index: 5, status: 'ok', features: named(0) }] })).toThrow(
      'buildPatientBags: options.features[0].index must be an image index in [0, 5) (the patients have 5 images), got 5',
    );
    expect(() => buildPatientBags(patients, { features: [features[1] as ImageFeaturesEntry, features[1] as ImageFeaturesEntry] })).toThrow(
      /options.features\[1\].index must be given once \(image 0 of patient P1 appears twice\)/,
    );
    const nan = { ...named(0), [FEATURE_NAMES[3] as string]: Number.NaN };
    expect(() => buildPatientBags(patients, { features: [{ index: 3, status: 'ok', features: nan }] })).toThrow(
      `buildPatientBags: patient P2, handmade feature '${FEATURE_NAMES[3] as string}' of image 0 must be a finite number, got NaN`,
    );
    expect(() => buildPatientBags(patients, { embeddings: [[1, 2], [1, Number.POSITIVE_INFINITY], null, null, null] })).toThrow(
      'buildPatientBags: patient P1, embedding value 1 of image 1 must be a finite number, got Infinity',
    );
    expect(() => buildPatientBags(patients, { embeddings: [[1, 2], [1], null, null, null] })).toThrow(/the embedding of image 1 of patient P1 must be 2 values/);
    expect(() => buildPatientBags(patients, { embeddings: [[1]] })).toThrow(/options.embeddings must be one entry per image \(5\)/);
    // cohort patients where features were expected
    expect(() => buildPatientBags(patients, { features: patients as never })).toThrow(/options.features\[0\] must be a feature result \{ index, status, features \}/);
    expect(() => buildPatientBags([{ ...patients[0], lymphCount: -1 } as Patient])).toThrow(/patient P1 must be a finite age and a lymphCount ≥ 0/);
    expect(() => buildPatientBags(patients, { onEmptyPatient: 'drop' as never })).toThrow(/options.onEmptyPatient must be one of "error", "skip", got "drop"/);
  });

  it('gives bags a user can also write as one literal under exactOptionalPropertyTypes', () => {
    const p = patients[1] as Patient;
    const bag: PatientBag = { id: p.id, label: p.label, age: p.age, lymphCount: p.lymphCount, images: undefined };
    expect(buildPatientBags([p])[0]).toEqual({ ...bag, handmade: undefined });
  });
});
