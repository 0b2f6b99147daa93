/**
 * A small synthetic cohort as model inputs, for tests: `synthesizeCohort` patients, handmade features from
 * `extractFeaturesBatch` (workers 0) and, as stand-in instance embeddings, simple per-image statistics
 * (a fixed random projection of each image's handmade features, or channel means and standard deviations, the
 * dark-pixel fraction and a random projection of an 8×8 gray thumbnail).
 */
import { synthesizeCohort, type SynthesizeCohortOptions } from '../../../src/data/index.js';
import { FEATURE_NAMES, extractFeaturesBatch } from '../../../src/features/index.js';
import { encodePng, type RgbImage } from '../../../src/io/index.js';
import type { PatientBag } from '../../../src/models/index.js';
import { mulberry32 } from '../../../src/training/index.js';

/** Dimension of {@link imageStatistics}. */
export const STATISTICS_DIM = 6 + 1 + 16;

const projection = (() => {
  const random = mulberry32(12345);
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
  const random = mulberry32(54321);
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
 * Builds patient bags from a synthetic cohort.
 * @param options - `synthesizeCohort` options (keep it small: tens of patients, a few 64-px images each).
 */
export async function syntheticBags(options: SynthesizeCohortOptions, embedding: StandInEmbedding = 'projection'): Promise<PatientBag[]> {
  const patients = synthesizeCohort(options);
  const bags: PatientBag[] = [];
  for (const p of patients) {
    const images = [...p.images()].map((cell) => cell.image);
    const bytes = await Promise.all(images.map((image) => encodePng(image)));
    const { results } = await extractFeaturesBatch(bytes, { workers: 0 });
    const handmade = results.flatMap((r) => (r.features === null ? [] : [FEATURE_NAMES.map((name) => (r.features as Record<string, number>)[name] as number)]));
    if (handmade.length === 0) throw new Error(`syntheticBags: patient ${p.id} has no segmentable image`);
    const stats = embedding === 'statistics' ? images.map(imageStatistics) : handmade.map(projectFeatures);
    const dim = embedding === 'statistics' ? STATISTICS_DIM : PROJECTION_DIM;
    bags.push({
      id: p.id,
      label: p.label,
      age: p.age,
      lymphCount: p.lymphCount,
      images: { data: Float32Array.from(stats.flat()), rows: stats.length, cols: dim },
      handmade: { data: Float32Array.from(handmade.flat()), rows: handmade.length, cols: FEATURE_NAMES.length },
    });
  }
  return bags;
}
