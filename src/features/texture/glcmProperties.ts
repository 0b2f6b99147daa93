import { ArgumentError } from '../../core/index.js';
import type { Glcm } from './glcm.js';
import type { GlcmPropertyName } from './textureFeatureNames.js';

/** One value per (distance, angle) of each property, index `d·A + a` (scikit-image's `results[d, a]`). */
export type GlcmProperties = Record<GlcmPropertyName, Float64Array>;

/**
 * The texture properties of co-occurrence matrices, equal to scikit-image's `graycoprops(P, prop)` (0.19) for
 * every `prop` at once. Each matrix is first divided by its sum (an all-zero matrix stays zero); then, with
 * p(i, j) the normalised matrix and i, j = 0 … L − 1:
 * - `contrast` = Σ p(i, j)·(i − j)²; `dissimilarity` = Σ p(i, j)·|i − j|;
 * - `homogeneity` = Σ p(i, j) / (1 + (i − j)²);
 * - `ASM` = Σ p(i, j)²; `energy` = √ASM;
 * - `correlation` = Σ p(i, j)·(i − μᵢ)(j − μⱼ) / (σᵢ·σⱼ) with μᵢ = Σ i·p(i, j), σᵢ² = Σ p(i, j)·(i − μᵢ)² (and
 *   likewise for j); it is 1 when σᵢ or σⱼ is below 1e-15 (a constant image, or an all-zero matrix).
 *
 * So an all-zero matrix (no pixel pair) gives contrast, dissimilarity, homogeneity, ASM and energy 0 and
 * correlation 1, as scikit-image does.
 *
 * @param matrices - co-occurrence matrices from {@link glcm} (counts or normed)
 * @returns per property a Float64Array of length D·A, index `d·A + a`
 * @throws {ArgumentError} `glcmProperties: matrices …` when `matrices` is not a {@link Glcm}
 * @example
 * const props = glcmProperties(glcm(image, { levels: 4, distances: [1, 2], angles: [0, Math.PI / 2], symmetric: true }));
 * props.contrast; // Float64Array [0.5833…, 1, 1.25, 2.75] (scikit-image's docstring example)
 */
export function glcmProperties(matrices: Glcm): GlcmProperties {
  const fn = 'glcmProperties';
  const m = matrices as Partial<Glcm> | null | undefined;
  const levels = m?.levels;
  const data = m?.data;
  const count = (m?.distances?.length ?? 0) * (m?.angles?.length ?? 0);
  if (typeof levels !== 'number' || !Number.isInteger(levels) || levels < 1 || !(data instanceof Float64Array) || count < 1 || data.length !== count * levels * levels) {
    throw new ArgumentError(fn, 'matrices', 'a Glcm (levels, distances, angles and data of length D·A·L·L, as glcm returns)', matrices);
  }
  const out: GlcmProperties = {
    contrast: new Float64Array(count),
    dissimilarity: new Float64Array(count),
    homogeneity: new Float64Array(count),
    ASM: new Float64Array(count),
    energy: new Float64Array(count),
    correlation: new Float64Array(count),
  };
  const L = levels;
  const ll = L * L;
  for (let k = 0; k < count; k++) {
    const base = k * ll;
    let sum = 0;
    for (let q = 0; q < ll; q++) sum += data[base + q]!;
    if (sum === 0) sum = 1;
    let contrast = 0;
    let dissimilarity = 0;
    let homogeneity = 0;
    let asm = 0;
    let meanI = 0;
    let meanJ = 0;
    for (let i = 0; i < L; i++) {
      for (let j = 0; j < L; j++) {
        const p = data[base + i * L + j]! / sum;
        if (p === 0) continue;
        const d = i - j;
        contrast += p * d * d;
        dissimilarity += p * Math.abs(d);
        homogeneity += p / (1 + d * d);
        asm += p * p;
        meanI += i * p;
        meanJ += j * p;
      }
    }
    let varI = 0;
    let varJ = 0;
    let cov = 0;
    for (let i = 0; i < L; i++) {
      const di = i - meanI;
      for (let j = 0; j < L; j++) {
        const p = data[base + i * L + j]! / sum;
        if (p === 0) continue;
        const dj = j - meanJ;
        varI += p * di * di;
        varJ += p * dj * dj;
        cov += p * di * dj;
      }
    }
    const stdI = Math.sqrt(varI);
    const stdJ = Math.sqrt(varJ);
    out.contrast[k] = contrast;
    out.dissimilarity[k] = dissimilarity;
    out.homogeneity[k] = homogeneity;
    out.ASM[k] = asm;
    out.energy[k] = Math.sqrt(asm);
    out.correlation[k] = stdI < 1e-15 || stdJ < 1e-15 ? 1 : cov / (stdI * stdJ);
  }
  return out;
}
