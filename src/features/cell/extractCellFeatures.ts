import { checkBoolean, checkNumber, checkOneOf, checkOptions, checkThat } from '../../core/index.js';
import { extractTextureFeatures } from '../texture/extractTextureFeatures.js';
import type { RgbImage } from '../../io/image/rgbImage.js';
import { balancedSource, segmentNucleusWith } from '../../segmentation/nucleus/segmentNucleus.js';
import type { NucleusSegmentation, NucleusStatus, SegmentNucleusOptions } from '../../segmentation/nucleus/index.js';
import { addColorChannelSums } from './colorChannelSums.js';
import { COLOR_CHANNEL_NAMES, FEATURE_NAMES } from './featureNames.js';
import type { FeatureName, MeasurementName } from './featureNames.js';

/** Options of {@link extractCellFeatures} (the segmentation options pass through to `segmentNucleus`). */
export interface CellFeatureOptions extends SegmentNucleusOptions {
  /**
   * Value of a colour ratio whose denominator is 0 (a hull of one colour) or whose ROC is empty
   * (a convex nucleus): 1 reads "same as the hull". The reference reports these as null.
   * Defaults to 1.
   */
  undefinedRatio?: number;
  /**
   * Also compute the 17 texture descriptors of the nucleus (`extractTextureFeatures`: area in pixels, GLCM
   * properties, uniform LBP histogram; names in `TEXTURE_FEATURE_NAMES`), added to `features` after the 51. Defaults
   * to `false`.
   */
  texture?: boolean;
}

/** The handmade features of one cell image. */
export interface CellFeatures {
  /** Segmentation outcome; the features exist only for `'ok'`. */
  status: NucleusStatus;
  /** threshold, area, areaConvex, perimeter, perimeterConvex (0 but the threshold without a nucleus). */
  measurements: Record<MeasurementName, number>;
  /** The 51 features (finite numbers, never NaN), or null exactly when `status !== 'ok'`. */
  features: Readonly<Record<FeatureName, number>> | null;
}

/**
 * The 51 handmade features of a white blood cell image (Tavakoli et al. 2021): segment the nucleus
 * ({@link segmentNucleus}), then compute
 * - shape: solidity = area / areaConvex, convexity = perimeterConvex / perimeter (1 when the
 *   perimeter is 0), circularity = perimeter² / (4π·area);
 * - colour: for 12 channels (RGB, HSV, Lab, YCrCb in OpenCV's 8-bit encodings, HSV with H in
 *   [0, 180), Lab with L·255/100 and a, b + 128) of the colour-balanced image, mean and population
 *   standard deviation over nucleus and ROC, each divided by the same statistic over the hull.
 *
 * Colours are converted only for the hull's pixels.
 *
 * @param image - [H, W, 3] uint8 RGB, any size ≥ 1×1
 * @param options - see {@link CellFeatureOptions}
 * @returns status, measurements and features (null without a nucleus)
 * @example
 * const { status, features } = extractCellFeatures(image);
 * if (features) console.log(features.solidity, features['lab.a.meanRatioNucleus']);
 */
export function extractCellFeatures(image: RgbImage, options: CellFeatureOptions = {}): CellFeatures {
  const fn = 'extractCellFeatures';
  checkOptions(fn, options);
  const undefinedRatio = checkNumber(fn, 'options.undefinedRatio', options.undefinedRatio ?? 1);
  const texture = options.texture === undefined ? false : checkBoolean(fn, 'options.texture', options.texture);
  const { undefinedRatio: _u, texture: _t, ...segOptions } = options;
  // the segmentation stays here and is done with before returning: no private copy of the pixels
  const seg = segmentNucleusWith(image, segOptions, false, fn);
  const cell = cellFeaturesFromSegmentation(seg, { undefinedRatio });
  if (!texture || cell.features === null) return cell;
  return { ...cell, features: { ...cell.features, ...extractTextureFeatures(image, seg.nucleus.data) } };
}

/** Options of {@link cellFeaturesFromSegmentation}. */
export interface CellFeaturesFromSegmentationOptions {
  /** See {@link CellFeatureOptions.undefinedRatio}. Defaults to 1. */
  undefinedRatio?: number;
}

/**
 * The features of {@link extractCellFeatures} from an existing segmentation (to reuse one that
 * was already computed, e.g. for an overlay).
 *
 * @param seg - output of {@link segmentNucleus}
 * @param options - see {@link CellFeaturesFromSegmentationOptions}
 * @returns status, measurements and features
 */
export function cellFeaturesFromSegmentation(
  seg: NucleusSegmentation,
  options: CellFeaturesFromSegmentationOptions = {},
): CellFeatures {
  const undefinedRatio = options.undefinedRatio ?? 1;
  const m = seg.measurements;
  const measurements: Record<MeasurementName, number> = {
    threshold: m.threshold,
    area: m.area,
    areaConvex: m.areaConvex,
    perimeter: m.perimeter,
    perimeterConvex: m.perimeterConvex,
  };
  if (seg.status !== 'ok') return { status: seg.status, measurements, features: null };

  const ratio = (a: number, b: number): number => (b !== 0 ? a / b : undefinedRatio);
  const values = new Float64Array(FEATURE_NAMES.length);
  values[0] = m.area / m.areaConvex;
  values[1] = m.perimeter > 0 ? m.perimeterConvex / m.perimeter : 1;
  values[2] = (m.perimeter * m.perimeter) / (4 * Math.PI * m.area);

  const stats = colorStatistics(seg);
  const nN = m.area;
  const nH = m.areaConvex;
  const nR = nH - nN;
  for (let c = 0; c < COLOR_CHANNEL_NAMES.length; c++) {
    const sN = stats[c * 4]!, qN = stats[c * 4 + 1]!, sH = stats[c * 4 + 2]!, qH = stats[c * 4 + 3]!;
    const sR = sH - sN, qR = qH - qN;
    // population std from exact integer sums: σ = √(n·Σx² − (Σx)²) / n
    const std = (s: number, q: number, n: number): number => Math.sqrt(Math.max(0, n * q - s * s)) / n;
    const meanH = sH / nH;
    const stdH = std(sH, qH, nH);
    const o = 3 + c * 4;
    values[o] = ratio(sN / nN, meanH);
    values[o + 1] = ratio(std(sN, qN, nN), stdH);
    values[o + 2] = nR > 0 ? ratio(sR / nR, meanH) : undefinedRatio;
    values[o + 3] = nR > 0 ? ratio(std(sR, qR, nR), stdH) : undefinedRatio;
  }
  const features = {} as Record<FeatureName, number>;
  FEATURE_NAMES.forEach((name, i) => {
    features[name] = values[i]!;
  });
  return { status: 'ok', measurements, features: Object.freeze(features) };
}

/**
 * Scratch buffers of {@link colorStatistics} (grown on demand, reused across calls): the balanced
 * RGB of the nucleus pixels and of the ROC pixels. Safe: nothing returned
 * refers to them, and JS runs one call at a time per thread (each worker has its own module).
 */
let nucleusScratch = new Uint8Array(0);
let rocScratch = new Uint8Array(0);

/**
 * Per channel (12, in COLOR_CHANNEL_NAMES order): [Σ nucleus, Σ² nucleus, Σ hull, Σ² hull].
 *
 * Only hull pixels are visited and converted: one pass over the hull's bounding box gathers the
 * balanced RGB of nucleus and ROC pixels into two compact buffers (through the colour balance's
 * tables, without materialising the balanced image), then one pass per buffer converts each pixel
 * to HSV, Lab and YCrCb and sums the 12 channels ({@link addColorChannelSums}, no converted
 * copy). All sums are of integers far below 2^53, hence exact in any order: they equal the sums
 * over the masks of the full converted images bit for bit.
 */
function colorStatistics(seg: NucleusSegmentation): Float64Array {
  const [h, w] = seg.hull.shape as [number, number];
  const hd = seg.hull.data;
  const nd = seg.nucleus.data;
  // the hull mask lies inside its polygon's box (the nucleus is inside the hull polygon)
  let x0 = w, x1 = -1, y0 = h, y1 = -1;
  for (const p of seg.hullPolygon) {
    if (p.x < x0) x0 = p.x;
    if (p.x > x1) x1 = p.x;
    if (p.y < y0) y0 = p.y;
    if (p.y > y1) y1 = p.y;
  }
  const boxBytes = (x1 - x0 + 1) * (y1 - y0 + 1) * 3;
  if (nucleusScratch.length < boxBytes) {
    nucleusScratch = new Uint8Array(boxBytes);
    rocScratch = new Uint8Array(boxBytes);
  }
  const nuc = nucleusScratch, roc = rocScratch;
  const { raw, luts } = balancedSource(seg, 'cellFeaturesFromSegmentation');
  const [lr, lg, lb] = luts;
  let a = 0; // bytes written to nuc
  let b = 0; // bytes written to roc
  for (let y = y0; y <= y1; y++) {
    for (let p = y * w + x0, end = y * w + x1; p <= end; p++) {
      if (hd[p] === 0) continue;
      const i = 3 * p;
      if (nd[p] !== 0) {
        nuc[a] = lr[raw[i]!]!;
        nuc[a + 1] = lg[raw[i + 1]!]!;
        nuc[a + 2] = lb[raw[i + 2]!]!;
        a += 3;
      } else {
        roc[b] = lr[raw[i]!]!;
        roc[b + 1] = lg[raw[i + 1]!]!;
        roc[b + 2] = lb[raw[i + 2]!]!;
        b += 3;
      }
    }
  }
  // per channel [Σ nucleus, Σ² nucleus, Σ ROC, Σ² ROC], then the hull's as nucleus + ROC
  const stats = new Float64Array(12 * 4);
  addColorChannelSums(nuc, a, stats, 0);
  addColorChannelSums(roc, b, stats, 2);
  for (let ch = 0; ch < 12; ch++) {
    stats[ch * 4 + 2] = stats[ch * 4]! + stats[ch * 4 + 2]!;
    stats[ch * 4 + 3] = stats[ch * 4 + 1]! + stats[ch * 4 + 3]!;
  }
  return stats;
}

/** Options of {@link featuresToVector}. */
export interface FeaturesToVectorOptions {
  /**
   * The element type: `'float64'` keeps the features exactly; `'float32'` is what the models' bags hold
   * (`InstanceMatrix.data`). Defaults to `'float64'`.
   */
  readonly dtype?: 'float64' | 'float32';
}

/**
 * The features as a vector in {@link FEATURE_NAMES} order.
 *
 * @param features - a record of the 51 features
 * @param options - the element type; see {@link FeaturesToVectorOptions}
 * @returns a Float64Array (default) or, with `{ dtype: 'float32' }`, a Float32Array of length 51
 * @throws {ArgumentError} naming `featuresToVector` when `features` is not an object or `dtype` is unknown
 * @example
 * const { features } = extractCellFeatures(image);
 * if (features) {
 *   const exact = featuresToVector(features); // Float64Array(51)
 *   const forBags = featuresToVector(features, { dtype: 'float32' }); // Float32Array(51)
 * }
 */
export function featuresToVector(features: Readonly<Record<FeatureName, number>>, options?: { readonly dtype?: 'float64' }): Float64Array;
export function featuresToVector(features: Readonly<Record<FeatureName, number>>, options: { readonly dtype: 'float32' }): Float32Array;
export function featuresToVector(features: Readonly<Record<FeatureName, number>>, options?: FeaturesToVectorOptions): Float64Array | Float32Array;
export function featuresToVector(
  features: Readonly<Record<FeatureName, number>>,
  options: FeaturesToVectorOptions = {},
): Float64Array | Float32Array {
  const fn = 'featuresToVector';
  checkThat(features !== null && typeof features === 'object', fn, 'features', 'a record of the 51 features', features);
  const dtype = checkOneOf(fn, 'options.dtype', checkOptions(fn, options).dtype ?? 'float64', ['float64', 'float32'] as const);
  const value = (name: FeatureName): number => features[name];
  return dtype === 'float32' ? Float32Array.from(FEATURE_NAMES, value) : Float64Array.from(FEATURE_NAMES, value);
}
