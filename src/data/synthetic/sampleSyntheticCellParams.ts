import { checkOptions, optionalNumber } from '../../core/index.js';
import type { SeededRandom } from '../../core/index.js';

/** One nuclear cleft (notch): a Gaussian dip in the nucleus outline's polar radius. */
export interface SyntheticCleft {
  /** Direction of the notch, radians in [0, 2π). */
  readonly angle: number;
  /** Relative depth in [0, 0.6]: the radius there is multiplied by (1 − depth). */
  readonly depth: number;
  /** Angular half-width (standard deviation of the Gaussian dip), radians in [0.05, 0.3]. */
  readonly width: number;
}

/**
 * The morphology of one synthetic lymphocyte. Lengths are in pixels of a 224 × 224 crop (the renderer scales
 * them to other sizes). Drawn by {@link sampleSyntheticCellParams}; rendered by `renderSyntheticCell`.
 */
export interface SyntheticCellParams {
  /** Whether the cell was drawn from the abnormal (malignant-looking) distribution. */
  readonly abnormal: boolean;
  /** Mean radius of the nucleus outline before clefts, px (≥ 8). */
  readonly nucleusRadius: number;
  /** Amplitude of the cos 2θ term of the nucleus outline (oval shape), in [0, 0.35]. */
  readonly elongation: number;
  /** Total amplitude of the cos kθ terms, k = 3…8, of the nucleus outline (lobes, bumps), in [0, 0.3]. */
  readonly irregularity: number;
  /** Nuclear clefts (0–3). */
  readonly clefts: readonly SyntheticCleft[];
  /** Nucleus-to-cell area ratio (N/C ratio) in [0.3, 0.95]; 1 would mean no visible cytoplasm. */
  readonly ncRatio: number;
  /** Amplitude of the chromatin texture, in [0, 1] (0: smooth, homogeneous nucleus). */
  readonly chromatinContrast: number;
  /** Size of the chromatin clumps, px in [2, 10]. */
  readonly chromatinScale: number;
  /** Multiplier of the nucleus optical density (staining darkness), in [0.7, 1.4]. */
  readonly stain: number;
  /** Seed of everything else in the crop: outline phases, red cells, platelets, illumination, noise. */
  readonly seed: number;
}

/** Patient-level offsets added to every cell of a patient (a patient's "baseline"), so cells are not i.i.d. */
export interface SyntheticPatientBaseline {
  /** Added to the nucleus radius, px. Defaults to 0. */
  readonly nucleusRadius?: number;
  /** Added to the irregularity. Defaults to 0. */
  readonly irregularity?: number;
  /** Added to the chromatin contrast. Defaults to 0. */
  readonly chromatinContrast?: number;
  /** Added to the stain multiplier (a staining batch effect). Defaults to 0. */
  readonly stain?: number;
}

/** Options of {@link sampleSyntheticCellParams}. */
export interface SampleSyntheticCellParamsOptions {
  /**
   * Scales every difference between the abnormal and the normal cell distribution (0: abnormal cells look
   * normal; 2: twice the default contrast). Must be ≥ 0. Defaults to 1.
   */
  morphologyEffect?: number;
  /** Scales every cell-to-cell standard deviation (0: all cells of a kind identical up to layout). ≥ 0. Defaults to 1. */
  cellNoise?: number;
  /** Patient-level offsets. Defaults to no offsets. */
  baseline?: SyntheticPatientBaseline;
}

/**
 * Mean and standard deviation of each morphology parameter, for normal cells and the shift of abnormal cells
 * (multiplied by `morphologyEffect`). Lengths in px of a 224 px crop. Documented in docs/synthetic-cohort.md.
 */
export const SYNTHETIC_MORPHOLOGY = {
  nucleusRadius: { mean: 28, sd: 2.5, abnormalShift: 4 },
  elongation: { mean: 0.05, sd: 0.03, abnormalShift: 0.04 },
  irregularity: { mean: 0.025, sd: 0.012, abnormalShift: 0.045 },
  cleftProbability: { mean: 0.04, sd: 0, abnormalShift: 0.5 },
  ncRatio: { mean: 0.62, sd: 0.08, abnormalShift: 0.16 },
  chromatinContrast: { mean: 0.3, sd: 0.08, abnormalShift: 0.25 },
  chromatinScale: { mean: 4, sd: 0.8, abnormalShift: 1.5 },
  stain: { mean: 1, sd: 0.06, abnormalShift: 0.06 },
} as const;

const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);

/**
 * Draw the morphology of one synthetic lymphocyte.
 *
 * Normal cells have a round-to-oval nucleus of radius ≈ 28 px (224 px crop), a smooth outline, fine chromatin
 * and an N/C ratio ≈ 0.62. Abnormal (malignant-looking) cells have, on average, a larger nucleus, a higher N/C
 * ratio (thinner cytoplasm rim), a more irregular outline, frequent clefts and coarser, more contrasted chromatin.
 * The two distributions overlap; see {@link SYNTHETIC_MORPHOLOGY} for the values.
 *
 * @param random - the stream to draw from (advanced by this call)
 * @param abnormal - draw from the abnormal distribution
 * @param options - effect size, cell-to-cell noise and patient baseline; see {@link SampleSyntheticCellParamsOptions}
 * @returns the cell's {@link SyntheticCellParams}, every field clamped to its documented range
 * @example
 * const params = sampleSyntheticCellParams(seededRandom(1), true);
 * const { image, nucleus } = renderSyntheticCell(params);
 */
export function sampleSyntheticCellParams(
  random: SeededRandom,
  abnormal: boolean,
  options: SampleSyntheticCellParamsOptions = {},
): SyntheticCellParams {
  const fn = 'sampleSyntheticCellParams';
  checkOptions(fn, options);
  const effect = optionalNumber(fn, 'options.morphologyEffect', options.morphologyEffect, 1, { min: 0 });
  const noise = optionalNumber(fn, 'options.cellNoise', options.cellNoise, 1, { min: 0 });
  const base = options.baseline ?? {};
  const m = SYNTHETIC_MORPHOLOGY;
  const shift = abnormal ? effect : 0;
  const draw = (p: { mean: number; sd: number; abnormalShift: number }): number =>
    random.normal(p.mean + shift * p.abnormalShift, p.sd * noise);

  const nucleusRadius = clamp(draw(m.nucleusRadius) + (base.nucleusRadius ?? 0), 8, 60);
  const elongation = clamp(Math.abs(draw(m.elongation)), 0, 0.35);
  const irregularity = clamp(Math.abs(draw(m.irregularity) + (base.irregularity ?? 0)), 0, 0.3);
  const ncRatio = clamp(draw(m.ncRatio), 0.3, 0.95);
  const chromatinContrast = clamp(draw(m.chromatinContrast) + (base.chromatinContrast ?? 0), 0, 1);
  const chromatinScale = clamp(draw(m.chromatinScale), 2, 10);
  const stain = clamp(draw(m.stain) + (base.stain ?? 0), 0.7, 1.4);
  const pCleft = clamp(m.cleftProbability.mean + shift * m.cleftProbability.abnormalShift, 0, 1);
  const clefts: SyntheticCleft[] = [];
  // Up to three clefts; each further one is half as likely as the previous.
  for (let k = 0, p = pCleft; k < 3 && random.bernoulli(p); k++, p /= 2) {
    clefts.push({
      angle: random.uniform(0, 2 * Math.PI),
      depth: clamp(random.uniform(0.15, 0.35) * (abnormal ? 1 + 0.2 * effect : 1), 0, 0.6),
      width: random.uniform(0.07, 0.16),
    });
  }
  const seed = Math.floor(random.next() * 4294967296);
  return {
    abnormal,
    nucleusRadius,
    elongation,
    irregularity,
    clefts,
    ncRatio,
    chromatinContrast,
    chromatinScale,
    stain,
    seed,
  };
}
