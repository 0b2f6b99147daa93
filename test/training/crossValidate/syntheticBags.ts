/**
 * A small synthetic cohort as model inputs, for tests: `synthesizeCohort` patients, handmade features from
 * `extractFeaturesBatch` (workers 0) and, as stand-in instance embeddings, simple per-image statistics
 * (a fixed random projection of each image's handmade features, or channel means and standard deviations, the
 * dark-pixel fraction and a random projection of an 8×8 gray thumbnail).
 */
import { synthesizeCohort, type SynthesizeCohortOptions } from '../../../src/data/index.js';
import { FEATURE_NAMES, extractFeaturesBatch } from '../../../src/features/index.js';
import { encodePng, type RgbImage } from '../../../src/io/index.js';
import { buildPatientBags, type PatientBag } from '../../../src/models/index.js';
import { seededRandom } from '../../../src/core/index.js';

/** Dimension of {@link imageStatistics}. */
export const STATISTICS_DIM = 6 + 1 + 16;

const projection = (() => {
  const random = seededRandom(12345).next;
  return Float32Array.from({ length: 64 * 16 }, () => (random() * 2 - 1) / 8);
})();

/** Per-image statistics used as a stand-in embedding, [STATISTICS_DIM]. */
export function imageStatistics(image: RgbImage): number[] {
  const [h, w] = image.shape as [number, number, number];
  const data = image.data as Uint8Array;
  const sum = [0, 0, 0];
  const sq = [0, 0, 0];
  let dark = 0;
  const thumb = new Float32Array(64);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 3;
      let gray = 0;
      for (let c = 0; c < 3; c++) {
        const v = (data[o + c] as number) / 255;
        sum[c] = (sum[c] as number) + v;
        sq[c] = (sq[c] as number) + v * v;
        gray += v / 3;
      }
      if (gray < 0.5) dark++;
      const t = Math.floor((y * 8) / h) * 8 + Math.floor((x * 8) / w);
      thumb[t] = (thumb[t] as number) + gray / ((h * w) / 64);
    }
  }
  const n = h * w;
  const means = sum.map((s) => s / n);
  const sds = sq.map((s, c) => Math.sqrt(Math.max(0, s / n - (means[c] as number) ** 2)));
  const projected = Array.from({ length: 16 }, (_, k) => thumb.reduce((acc, v, t) => acc + v * (projection[t * 16 + k] as number), 0));
  return [...means, ...sds, dark / n, ...projected];
}

/** Dimension of {@link projectFeatures}. */
export const PROJECTION_DIM = 16;

const featureProjection = (() => {
  const random = seededRandom(54321).next;
  return Float32Array.from({ length: FEATURE_NAMES.length * PROJECTION_DIM }, () => (random() * 2 - 1) / Math.sqrt(FEATURE_NAMES.length));
})();

/** A fixed random projection of one image's 51 handmade features to [PROJECTION_DIM], a stand-in embedding. */
export function projectFeatures(features: readonly number[]): number[] {
  return Array.from({ length: PROJECTION_DIM }, (_, k) =>
    features.reduce((acc, v, j) => acc + v * (featureProjection[j * PROJECTION_DIM + k] as number), 0),
  );
}

/** Which stand-in embedding {@link syntheticBags} gives each image. */
export type StandInEmbedding = 'statistics' | 'projection';

/**
 * Builds patient bags from a synthetic cohort with `buildPatientBags`.
 * @param options - `synthesizeCohort` options (keep it small: tens of patients, a few 64-px images each).
 */
export async function syntheticBags(options: SynthesizeCohortOptions, embedding: StandInEmbedding = 'projection'): Promise<PatientBag[]> {
  const cohort = synthesizeCohort(options);
  const pixels = cohort.map((p) => [...p.images()].map((cell) => cell.image));
  const patients = await Promise.all(
    cohort.map(async (p, i) => ({
      id: p.id,
      label: p.label,
      age: p.age,
      lymphCount: p.lymphCount,
      images: await Promise.all((pixels[i] as RgbImage[]).map((image) => encodePng(image))),
    })),
  );
  const { results } = await extractFeaturesBatch(patients.flatMap((p) => p.images), { workers: 0 });
  const byIndex = new Map(results.map((r) => [r.index, r]));
  const embeddings = pixels.flat().map((image, index) => {
    if (embedding === 'statistics') return imageStatistics(image);
    const features = byIndex.get(index)?.features;
    return features === null || features === undefined ? null : projectFeatures(FEATURE_NAMES.map((name) => features[name]));
  });
  return buildPatientBags(patients, { features: results, embeddings });
}
